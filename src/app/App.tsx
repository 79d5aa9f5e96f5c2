// The app: providers, the screen stack (top one visible, the others kept with their state),
// global keys, the help overlay, the quit question, the banner, key hints and the status bar.
import { Box, Text } from 'ink';
import React, { useCallback, useEffect, useMemo, useReducer, useState, useSyncExternalStore } from 'react';
import { repositoryOf } from '../domain/reference';
import { ConfirmDialog } from '../ui/components/ConfirmDialog';
import { type BannerMessage, ErrorBanner, MessagePane, bannerIsCut } from '../ui/components/ErrorBanner';
import { KeyHints } from '../ui/components/KeyHints';
import { StatusBar } from '../ui/components/StatusBar';
import { type InputOptions, InputRouter, PRIORITY, useCommands } from '../ui/hooks/inputRouter';
import { useQuery } from '../ui/hooks/useQuery';
import { sampledStore } from '../ui/hooks/sampledStore';
import { type ExternalStore, useStoreSelector } from '../ui/hooks/useStore';
import { useTerminalSize } from '../ui/hooks/useTerminalSize';
import { DepotsScreen } from '../ui/screens/depots/DepotsScreen';
import { DownloadsScreen } from '../ui/screens/downloads/DownloadsScreen';
import { EnginesScreen } from '../ui/screens/engines/EnginesScreen';
import { goesOn, isActive, summary } from '../ui/screens/downloads/presentation';
import { HelpOverlay } from '../ui/screens/help/HelpOverlay';
import { InspectScreen } from '../ui/screens/inspect/InspectScreen';
import { RegistriesScreen } from '../ui/screens/registries/RegistriesScreen';
import { RepositoriesScreen } from '../ui/screens/repositories/RepositoriesScreen';
import { TagsScreen } from '../ui/screens/tags/TagsScreen';
import { type DownloadsView, type UiServices, type UpdatesView, errorText } from '../ui/services';
import type { Theme } from '../ui/theme/theme';
import { type Screen, currentScreen, initialNavigation, navigate } from './navigation';

export interface AppProps {
  services: UiServices;
  theme: Theme;
  /** Called once when the user quits; `downloadsRunning` says whether downloads go on in the background. */
  onQuit: (downloadsRunning: number) => void;
  /** The keystroke layer: how long a lone Esc waits (`keys.escape_ms`), a redraw signal, a probe for tests. */
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
    case 'engines':
      return 'Engines';
  }
}

/** The smallest terminal the screens are laid out for. */
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

/** Repositories with a download running, one per line, sorted (a string: equal lists compare equal). */
function downloadingKey(view: DownloadsView): string {
  return view.downloads
    .filter(isActive)
    .map((d) => repositoryOf(d.ref))
    .filter((n): n is string => n !== null)
    .sort()
    .join('\n');
}

/** Frames for download progress alone at most this often; slower over SSH. */
export function progressIntervalMs(ssh: boolean): number {
  return ssh ? 1000 : 500;
}

const sshSession = Boolean(process.env.SSH_CONNECTION || process.env.SSH_TTY);

/** What shows at once: which downloads there are and their status (not their progress). */
function downloadsShape(v: DownloadsView): string {
  return `${v.error ?? ''}|${v.downloads.map((d) => `${d.id}:${d.status}`).join(',')}`;
}

const NO_UPDATE_COUNT: ExternalStore<Pick<UpdatesView, 'count'>> = { getSnapshot: () => ({ count: 0 }), subscribe: () => () => undefined };

/** The status bar, subscribed to the downloads itself: a progress tick re-renders this line, not the app. */
function StatusLine(props: {
  store: ExternalStore<DownloadsView>;
  seenFailed: ReadonlySet<string>;
  engine: React.ComponentProps<typeof StatusBar>['engine'];
  rate: React.ComponentProps<typeof StatusBar>['rate'];
  theme: Theme;
  width: number;
  updates?: ExternalStore<Pick<UpdatesView, 'count'>>;
}): React.JSX.Element {
  const { store, seenFailed, theme } = props;
  const updates = useStoreSelector(props.updates ?? NO_UPDATE_COUNT, (v) => v.count);
  const text = useStoreSelector(store, (v) => summary(v.downloads.filter((d) => d.status !== 'failed' || !seenFailed.has(d.id)), theme.glyph.downloading, theme.glyph.separator));
  return <StatusBar engine={props.engine} rate={props.rate} downloads={text} theme={theme} width={props.width} updates={updates} />;
}

function Shell({ services, theme, onQuit }: AppProps): React.JSX.Element {
  const { columns, rows } = useTerminalSize();
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  // `q` while the terminal is too small: asked as usual when downloads go on.
  const [quitting, setQuitting] = useState<number | null>(null);
  // While too small the screens stay mounted (hidden, with their state) and this layer keeps every
  // key from them; `q` still quits.
  const hidden = tooSmall || quitting !== null;
  useCommands(
    quitting !== null ? ['confirm'] : ['global'],
    (command) => {
      if (quitting !== null) {
        if (command === 'confirm.yes' || command === 'confirm.no') setQuitting(null);
        if (command === 'confirm.yes') onQuit(quitting);
        return true;
      }
      if (command !== 'global.quit') return true;
      const running = services.downloads.store.getSnapshot().downloads.filter(isActive).length;
      if (running > 0) setQuitting(running);
      else onQuit(0);
      return true;
    },
    { active: hidden, priority: PRIORITY.question + 10, modal: true },
  );
  return (
    <>
      {quitting !== null ? (
        <ConfirmDialog
          title={`Quit? ${quitting} download${quitting === 1 ? '' : 's'} will go on in the background.`}
          lines={[goesOn(services.downloads.store.getSnapshot().downloads, services.engines.startsOn?.()).line]}
          theme={theme}
          width={Math.max(20, columns)}
          onAnswer={() => undefined}
        />
      ) : tooSmall ? (
        <Box width={Math.max(1, columns)} height={Math.max(1, rows - 1)}>
          <Text wrap="wrap">{`terminal too small: ${MIN_COLUMNS}x${MIN_ROWS} needed, this is ${columns}x${rows}`}</Text>
        </Box>
      ) : null}
      <Box display={hidden ? 'none' : 'flex'}>
        <Screens services={services} theme={theme} onQuit={onQuit} columns={columns} rows={rows} />
      </Box>
    </>
  );
}

function Screens({ services, theme, onQuit, columns, rows }: AppProps & { columns: number; rows: number }): React.JSX.Element {
  const [nav, dispatch] = useReducer(navigate, initialNavigation);
  const [banner, setBanner] = useState<BannerMessage | null>(null);
  const [help, setHelp] = useState(false);
  // The banner's message opened whole (`e`).
  const [messageOpen, setMessageOpen] = useState(false);
  // How many downloads go on when the user quits (asked then, not followed on every tick).
  const [quitting, setQuitting] = useState<number | null>(null);
  const [registries, setRegistries] = useState(() => services.registries.list());
  const store = services.downloads.store;
  // What the Downloads screen and the status bar show: progress at most every half second (a second
  // over SSH), a download starting or ending at once; both change in the same frame.
  const shown = useMemo(() => sampledStore(store, { intervalMs: progressIntervalMs(sshSession), urgent: downloadsShape, now: () => services.clock.now() }), [store, services]);
  // A new set only when the names change (not on every progress snapshot): the lists key on it.
  const namesKey = useStoreSelector(store, downloadingKey);
  const downloadingNames = useMemo(() => new Set(namesKey ? namesKey.split('\n') : []), [namesKey]);
  // Failed downloads shown on the Downloads screen stop being counted in the status bar.
  const [seenFailed, setSeenFailed] = useState<ReadonlySet<string>>(() => new Set());
  const markSeen = useCallback(
    (ids: readonly string[]) => setSeenFailed((seen) => (ids.every((id) => seen.has(id)) ? seen : new Set([...seen, ...ids]))),
    [],
  );
  // The "downloading X" banner goes when X's download ends.
  const [bannerRef, setBannerRef] = useState<string | null>(null);
  const bannerRefActive = useStoreSelector(store, (v) => bannerRef !== null && v.downloads.some((d) => isActive(d) && (d.name === bannerRef || d.ref === bannerRef)), bannerRef !== null);
  const [initialEngine] = useState(() => services.status.initialEngine?.());
  const engine = useQuery('engine-status', (signal) => services.status.engine(signal), { initial: initialEngine });
  const screen = currentScreen(nav);

  // Warnings (engine unreachable while searching…) go to the banner, never onto the screen.
  useEffect(() => services.warnings.subscribe((text) => setBanner({ kind: 'warning', text })), [services]);

  // The engine status (space used) follows image changes; no timer polls it.
  const { reload: reloadEngine } = engine;
  useEffect(() => services.local.watch(() => reloadEngine()), [services, reloadEngine]);

  // Registries added or removed from another shell become tabs (the settings file is what counts).
  useEffect(
    () =>
      services.registries.watch?.(() =>
        setRegistries((current) => {
          const next = services.registries.list();
          return registriesKey(next) === registriesKey(current) ? current : next;
        }),
      ),
    [services],
  );

  const [bannerSeenActive, setBannerSeenActive] = useState(false);
  useEffect(() => {
    if (bannerRef === null) return;
    if (bannerRefActive) setBannerSeenActive(true);
    else if (bannerSeenActive) {
      setBanner((b) => (b?.kind === 'info' && b.text.startsWith(`downloading ${bannerRef}`) ? null : b));
      setBannerRef(null);
      setBannerSeenActive(false);
    }
  }, [bannerRef, bannerRefActive, bannerSeenActive]);

  const quit = useCallback(() => {
    const running = store.getSnapshot().downloads.filter(isActive).length;
    if (running > 0) setQuitting(running);
    else onQuit(0);
  }, [store, onQuit]);

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
      case 'global.engines':
        dispatch({ type: 'push', screen: { kind: 'engines' } });
        return true;
      case 'global.help':
        setHelp(true);
        return true;
      case 'global.error':
        if (messageOpen) {
          setMessageOpen(false);
          return true;
        }
        // Only when the banner cuts a message (elsewhere `e` is the screen's own key, which comes first).
        if (!banner || !bannerIsCut(banner, width)) return false;
        setMessageOpen(true);
        return true;
      case 'global.back':
        if (messageOpen) {
          setMessageOpen(false);
          return true;
        }
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

  // The depot keys (1…9) on a screen opened over the depots go straight back to that depot.
  const [pickTab, setPickTab] = useState<{ index: number; seq: number } | null>(null);
  const overDepots = screen.kind === 'downloads' || screen.kind === 'registries' || screen.kind === 'repositories' || screen.kind === 'engines';
  useCommands(
    ['depots'],
    (command, key) => {
      if (command !== 'depots.pick') return false;
      dispatch({ type: 'reset', screen: { kind: 'depots' } });
      setPickTab((p) => ({ index: Number(key) - 1, seq: (p?.seq ?? 0) + 1 }));
      setBanner(null);
      return true;
    },
    { active: overDepots && !help && quitting === null },
  );

  const pull = useCallback(
    (ref: string, registry: string | undefined, platform?: string) => {
      setBanner({ kind: 'info', text: `queueing ${ref}${theme.glyph.ellipsis}` });
      services.downloads
        .start(ref, { ...(registry ? { registry } : {}), ...(platform ? { platform } : {}) })
        .then(
          () => {
            setBanner({ kind: 'info', text: `downloading ${ref}: D shows its progress` });
            setBannerSeenActive(false);
            setBannerRef(ref);
          },
          (error: unknown) => setBanner({ kind: 'error', text: errorText(error) }),
        );
    },
    [services, theme],
  );

  const width = Math.max(20, columns);
  // One line less than the terminal: Ink redraws everything when the frame reaches its height.
  const height = Math.max(8, rows - 1);
  const bodyHeight = height - 4; // header, banner, hints, status
  const overlay = help || quitting !== null || (messageOpen && banner !== null);

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
            pickTab={pickTab}
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
        return (
          <DownloadsScreen
            {...common}
            store={shown}
            actions={{
              banner: setBanner,
              seenFailed: markSeen,
              showMessage: (message) => {
                setBanner(message);
                setMessageOpen(true);
              },
            }}
          />
        );
      case 'registries':
        return <RegistriesScreen {...common} onChanged={() => setRegistries(services.registries.list())} actions={{ banner: setBanner }} />;
      case 'repositories':
        return <RepositoriesScreen {...common} actions={{ banner: setBanner }} />;
      case 'engines':
        return <EnginesScreen {...common} actions={{ banner: setBanner }} />;
    }
  };

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box height={1}>
        <Text wrap="truncate-end">
          <Text bold color={theme.text.accent}>
            stevedore
          </Text>
          <Text color={theme.text.title}>{`  @${services.engines.active()}`}</Text>
          {services.engines.rule ? <Text color={theme.text.muted}>{` (${services.engines.rule()})`}</Text> : null}
          <Text color={theme.text.muted}>{`  ${title(screen)}`}</Text>
          {nav.stack.length > 1 ? <Text color={theme.text.muted}>{'  (Esc back)'}</Text> : null}
        </Text>
      </Box>
      <Box flexDirection="column" height={bodyHeight}>
        {messageOpen && banner ? (
          <MessagePane message={banner} theme={theme} width={width} height={bodyHeight} />
        ) : help ? (
          <HelpOverlay theme={theme} width={width} height={bodyHeight} onClose={() => setHelp(false)} />
        ) : quitting !== null ? (
          <ConfirmDialog
            title={`Quit? ${quitting} download${quitting === 1 ? '' : 's'} will go on in the background.`}
            lines={[goesOn(services.downloads.store.getSnapshot().downloads, services.engines.startsOn?.()).line]}
            theme={theme}
            width={width}
            onAnswer={(answer) => {
              setQuitting(null);
              if (answer === 'yes') onQuit(quitting);
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
        <StatusLine store={shown} seenFailed={seenFailed} engine={engine.data} rate={services.status.hubRateLimit()} theme={theme} width={width} {...(services.updates ? { updates: services.updates.store } : {})} />
      </Box>
    </Box>
  );
}

function registriesKey(list: readonly { name: string; url: string }[]): string {
  return list.map((r) => `${r.name}\t${r.url}`).join('\n');
}

export function App(props: AppProps): React.JSX.Element {
  // Switching engines (C, Enter) starts the screens afresh on the other engine: lists, downloads, marks
  // and the status follow it; the other engine's downloads go on in its own worker.
  const { engines } = props.services;
  const engine = useSyncExternalStore(engines.subscribe, engines.active);
  return (
    <InputRouter {...props.input}>
      <Shell key={engine} {...props} />
    </InputRouter>
  );
}
