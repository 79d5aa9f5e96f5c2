// The app: providers, the screen stack (top one visible, the others kept with their state),
// global keys, the help overlay, the quit question, the banner, key hints and the status bar.
import { Box, Text } from 'ink';
import React, { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import { repositoryOf } from '../domain/reference';
import { ConfirmDialog } from '../ui/components/ConfirmDialog';
import { type BannerMessage, ErrorBanner } from '../ui/components/ErrorBanner';
import { KeyHints } from '../ui/components/KeyHints';
import { StatusBar } from '../ui/components/StatusBar';
import { type InputOptions, InputRouter, PRIORITY, useCommands } from '../ui/hooks/inputRouter';
import { useQuery } from '../ui/hooks/useQuery';
import { useStore } from '../ui/hooks/useStore';
import { useTerminalSize } from '../ui/hooks/useTerminalSize';
import { DepotsScreen } from '../ui/screens/depots/DepotsScreen';
import { DownloadsScreen } from '../ui/screens/downloads/DownloadsScreen';
import { isActive, summary } from '../ui/screens/downloads/presentation';
import { HelpOverlay } from '../ui/screens/help/HelpOverlay';
import { InspectScreen } from '../ui/screens/inspect/InspectScreen';
import { RegistriesScreen } from '../ui/screens/registries/RegistriesScreen';
import { RepositoriesScreen } from '../ui/screens/repositories/RepositoriesScreen';
import { TagsScreen } from '../ui/screens/tags/TagsScreen';
import { type UiServices, errorText } from '../ui/services';
import type { Theme } from '../ui/theme/theme';
import { type Screen, currentScreen, initialNavigation, navigate } from './navigation';

export interface AppProps {
  services: UiServices;
  theme: Theme;
  /** Called once when the user quits; `downloadsRunning` says whether downloads go on in the background. */
  onQuit: (downloadsRunning: number) => void;
  /** The keystroke layer: how long a lone Esc waits (`keys.escape_ms`), and a probe for tests. */
  input?: InputOptions;
}

function title(screen: Screen): string {
  switch (screen.kind) {
    case 'depots':
      return 'Depots';
    case 'tags':
      return `Tags of ${screen.image.name}`;
    case 'inspect':
      return `Inspect ${screen.target.title}`;
    case 'downloads':
      return 'Downloads';
    case 'registries':
      return 'Registries';
    case 'repositories':
      return 'Saved repositories';
  }
}

function Shell({ services, theme, onQuit }: AppProps): React.JSX.Element {
  const { columns, rows } = useTerminalSize();
  const [nav, dispatch] = useReducer(navigate, initialNavigation);
  const [banner, setBanner] = useState<BannerMessage | null>(null);
  const [help, setHelp] = useState(false);
  const [quitting, setQuitting] = useState(false);
  const [registries, setRegistries] = useState(() => services.registries.list());
  const downloads = useStore(services.downloads.store);
  const running = useMemo(() => downloads.downloads.filter(isActive), [downloads]);
  // A new set only when the names change (not on every progress snapshot): the lists key on it.
  const namesKey = running
    .map((d) => repositoryOf(d.ref))
    .filter((n): n is string => n !== null)
    .sort()
    .join('\n');
  const downloadingNames = useMemo(() => new Set(namesKey ? namesKey.split('\n') : []), [namesKey]);
  const [initialEngine] = useState(() => services.status.initialEngine?.());
  const engine = useQuery('engine-status', (signal) => services.status.engine(signal), { initial: initialEngine });
  const screen = currentScreen(nav);

  // Warnings (engine unreachable while searching…) go to the banner, never onto the screen.
  useEffect(() => services.warnings.subscribe((text) => setBanner({ kind: 'warning', text })), [services]);

  // The engine status (space used) follows image changes; no timer polls it.
  const { reload: reloadEngine } = engine;
  useEffect(() => services.local.watch(() => reloadEngine()), [services, reloadEngine]);

  const quit = useCallback(() => {
    if (running.length > 0) setQuitting(true);
    else onQuit(0);
  }, [running.length, onQuit]);

  useCommands(['global'], (command) => {
    switch (command) {
      case 'global.downloads':
        dispatch({ type: 'push', screen: { kind: 'downloads' } });
        return true;
      case 'global.registries':
        dispatch({ type: 'push', screen: { kind: 'registries' } });
        return true;
      case 'global.repositories':
        dispatch({ type: 'push', screen: { kind: 'repositories' } });
        return true;
      case 'global.help':
        setHelp(true);
        return true;
      case 'global.back':
        if (nav.stack.length > 1) dispatch({ type: 'back' });
        setBanner(null);
        return true;
      case 'global.quit':
        quit();
        return true;
      default:
        return false;
    }
  }, { priority: PRIORITY.app });

  const pull = useCallback(
    (ref: string, registry: string | undefined, platform?: string) => {
      setBanner({ kind: 'info', text: `queueing ${ref}${theme.glyph.ellipsis}` });
      services.downloads
        .start(ref, { ...(registry ? { registry } : {}), ...(platform ? { platform } : {}) })
        .then(
          () => setBanner({ kind: 'info', text: `downloading ${ref}: D shows its progress` }),
          (error: unknown) => setBanner({ kind: 'error', text: errorText(error) }),
        );
    },
    [services, theme],
  );

  const width = Math.max(20, columns);
  // One line less than the terminal: Ink redraws everything when the frame reaches its height.
  const height = Math.max(8, rows - 1);
  const bodyHeight = height - 4; // header, banner, hints, status
  const overlay = help || quitting;

  const renderScreen = (s: Screen, index: number): React.ReactNode => {
    const active = index === nav.stack.length - 1 && !overlay;
    const common = { services, theme, width, height: bodyHeight, active };
    switch (s.kind) {
      case 'depots':
        return (
          <DepotsScreen
            {...common}
            registries={registries}
            downloading={downloadingNames}
            actions={{
              openTags: (image, registry) => dispatch({ type: 'push', screen: { kind: 'tags', image, registry } }),
              inspect: (target) => dispatch({ type: 'push', screen: { kind: 'inspect', target } }),
              pull: (ref, registry) => pull(ref, registry),
              banner: setBanner,
            }}
          />
        );
      case 'tags':
        return (
          <TagsScreen
            {...common}
            image={s.image}
            registry={s.registry}
            actions={{ inspect: (target) => dispatch({ type: 'push', screen: { kind: 'inspect', target } }), pull, banner: setBanner }}
          />
        );
      case 'inspect':
        return <InspectScreen {...common} target={s.target} actions={{ pull, banner: setBanner }} />;
      case 'downloads':
        return <DownloadsScreen {...common} view={downloads} actions={{ banner: setBanner }} />;
      case 'registries':
        return <RegistriesScreen {...common} onChanged={() => setRegistries(services.registries.list())} actions={{ banner: setBanner }} />;
      case 'repositories':
        return <RepositoriesScreen {...common} actions={{ banner: setBanner }} />;
    }
  };

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box height={1}>
        <Text wrap="truncate-end">
          <Text bold color={theme.text.accent}>
            stevedore
          </Text>
          <Text color={theme.text.muted}>{`  ${title(screen)}`}</Text>
          {nav.stack.length > 1 ? <Text color={theme.text.muted}>{'  (Esc back)'}</Text> : null}
        </Text>
      </Box>
      <Box flexDirection="column" height={bodyHeight}>
        {help ? (
          <HelpOverlay theme={theme} width={width} height={bodyHeight} onClose={() => setHelp(false)} />
        ) : quitting ? (
          <ConfirmDialog
            title={`Quit? ${running.length} download${running.length === 1 ? '' : 's'} will go on in the background.`}
            lines={['`stevedore image downloads` (or D next time) shows them.']}
            theme={theme}
            width={width}
            onAnswer={(answer) => {
              setQuitting(false);
              if (answer === 'yes') onQuit(running.length);
            }}
          />
        ) : null}
        {nav.stack.map((s, i) => (
          <Box key={`${i}:${s.kind}`} display={i === nav.stack.length - 1 && !overlay ? 'flex' : 'none'} flexDirection="column">
            {renderScreen(s, i)}
          </Box>
        ))}
      </Box>
      <Box height={1}>
        <ErrorBanner message={banner} theme={theme} width={width} />
      </Box>
      <Box height={1}>
        <KeyHints theme={theme} width={width} />
      </Box>
      <Box height={1}>
        <StatusBar engine={engine.data} rate={services.status.hubRateLimit()} downloads={summary(downloads.downloads, theme.glyph.downloading, theme.glyph.separator)} theme={theme} width={width} />
      </Box>
    </Box>
  );
}

export function App(props: AppProps): React.JSX.Element {
  return (
    <InputRouter {...props.input}>
      <Shell {...props} />
    </InputRouter>
  );
}
