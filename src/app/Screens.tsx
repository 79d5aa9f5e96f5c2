// The screens: the navigation stack (top one visible, the others kept with their state), the keys that
// work anywhere, the help overlay, and the frame around them: header, banner, key hints, status line.
import { Box, Text } from 'ink';
import React, { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import { repositoryOf } from '../domain/reference';
import { type Actions, disabled, now, task } from '../ui/actions/action';
import { QuestionHost, useRunner, useScreenCommands } from '../ui/actions/runner';
import { ErrorBanner, MessagePane, bannerIsCut } from '../ui/components/ErrorBanner';
import { KeyHints } from '../ui/components/KeyHints';
import { StatusBar } from '../ui/components/StatusBar';
import { PRIORITY } from '../ui/hooks/inputRouter';
import { sampledStore } from '../ui/hooks/sampledStore';
import { useQuery } from '../ui/hooks/useQuery';
import { type ExternalStore, useStoreSelector } from '../ui/hooks/useStore';
import { isActive, summary } from '../ui/screens/downloads/presentation';
import { HelpOverlay } from '../ui/screens/help/HelpOverlay';
import type { DiskSummary, DownloadsView, UiServices, UpdatesView } from '../ui/services';
import type { Theme } from '../ui/theme/theme';
import { type Screen, currentScreen, initialNavigation, navigate } from './navigation';
import { quitAction } from './quit';
import { type AppActions, renderScreen, title } from './screenMap';
import type { Banner } from './useBanner';

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

/** Over SSH? (Asked when the app starts, not when this module loads: the single file loads it at build time.) */
const sshSession = (): boolean => Boolean(process.env.SSH_CONNECTION || process.env.SSH_TTY);

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
  disk?: DiskSummary | undefined;
}): React.JSX.Element {
  const { store, seenFailed, theme } = props;
  const updates = useStoreSelector(props.updates ?? NO_UPDATE_COUNT, (v) => v.count);
  const text = useStoreSelector(store, (v) => summary(v.downloads.filter((d) => d.status !== 'failed' || !seenFailed.has(d.id)), theme.glyph.downloading, theme.glyph.separator));
  return <StatusBar engine={props.engine} rate={props.rate} downloads={text} theme={theme} width={props.width} updates={updates} disk={props.disk} />;
}

function registriesKey(list: readonly { name: string; url: string }[]): string {
  return list.map((r) => `${r.name}\t${r.url}`).join('\n');
}

export interface ScreensProps {
  services: UiServices;
  theme: Theme;
  onQuit: (downloadsRunning: number) => void;
  columns: number;
  rows: number;
  banner: Banner;
  /** Questions are drawn here (not while the terminal is too small: the shell draws them then). */
  questions: boolean;
}

export function Screens({ services, theme, onQuit, columns, rows, banner, questions }: ScreensProps): React.JSX.Element {
  const [nav, dispatch] = useReducer(navigate, initialNavigation);
  const [help, setHelp] = useState(false);
  const [registries, setRegistries] = useState(() => services.registries.list());
  const runner = useRunner();
  const store = services.downloads.store;
  // What the Downloads screen and the status bar show: progress at most every half second (a second
  // over SSH), a download starting or ending at once; both change in the same frame.
  const shown = useMemo(() => sampledStore(store, { intervalMs: progressIntervalMs(sshSession()), urgent: downloadsShape, now: () => services.clock.now() }), [store, services]);
  // A new set only when the names change (not on every progress snapshot): the lists key on it. Read from
  // the sampled store: a download starting or ending shows at once (downloadsShape), while progress ticks
  // do not even run the selector at the root.
  const namesKey = useStoreSelector(shown, downloadingKey);
  const downloadingNames = useMemo(() => new Set(namesKey ? namesKey.split('\n') : []), [namesKey]);
  // Failed downloads shown on the Downloads screen stop being counted in the status bar.
  const [seenFailed, setSeenFailed] = useState<ReadonlySet<string>>(() => new Set());
  // The download this session started last: the Downloads screen selects it (`pD` typed ahead shows it).
  const [started, setStarted] = useState<string | null>(null);
  const markSeen = useCallback((ids: readonly string[]) => setSeenFailed((seen) => (ids.every((id) => seen.has(id)) ? seen : new Set([...seen, ...ids]))), []);
  const [initialEngine] = useState(() => services.status.initialEngine?.());
  const engine = useQuery('engine-status', (signal) => services.status.engine(signal), { initial: initialEngine });
  const screen = currentScreen(nav);

  // The engine status (space used) follows image changes; no timer polls it.
  // What the images hold on disk and what a prune of the unused ones frees (issue 23), counted from their layers.
  const disk = useQuery('disk-summary', async (signal): Promise<DiskSummary | undefined> => services.disk?.summary(signal), { enabled: services.disk !== undefined && engine.data?.reachable === true });
  const { reload: reloadEngine } = engine;
  const { reload: reloadDisk } = disk;
  useEffect(
    () =>
      services.local.watch(() => {
        reloadEngine();
        reloadDisk();
      }),
    [services, reloadEngine, reloadDisk],
  );

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

  const width = Math.max(20, columns);
  // One line less than the terminal: Ink redraws everything when the frame reaches its height.
  const height = Math.max(8, rows - 1);
  const bodyHeight = height - 4; // header, banner, hints, status
  const messageOpen = banner.open && banner.message !== null;
  const overlay = help || messageOpen;
  const { set: say, follow } = banner;

  const pull = useCallback(
    (ref: string, registry: string | undefined, platform?: string) =>
      void runner.run(
        task({
          pending: `queueing ${ref}${theme.glyph.ellipsis}`,
          run: () => services.downloads.start(ref, { ...(registry ? { registry } : {}), ...(platform ? { platform } : {}) }),
          success: (id) => {
            follow(ref);
            setStarted(id);
            return { kind: 'info', text: `downloading ${ref}: D shows its progress` };
          },
        }),
      ),
    [runner, services, theme, follow],
  );

  const push = (s: Screen) => dispatch({ type: 'push', screen: s });
  // The key of the screen on show does nothing there: it says so (and the footer leaves it out).
  const go = (kind: 'downloads' | 'registries' | 'repositories' | 'engines') => (screen.kind === kind && !overlay ? disabled(`this is the ${title(screen)} screen`) : now(() => push({ kind })));
  const global: Actions = {
    'global.downloads': go('downloads'),
    'global.registries': go('registries'),
    'global.repositories': go('repositories'),
    'global.engines': go('engines'),
    'global.help': now(() => setHelp(true)),
    'global.error': messageOpen
      ? now(() => banner.setOpen(false))
      : banner.message && bannerIsCut(banner.message, width)
        ? now(() => banner.setOpen(true))
        : disabled('no message is cut short'),
    'global.back': messageOpen
      ? now(() => banner.setOpen(false))
      : nav.stack.length > 1
        ? now(() => {
            dispatch({ type: 'back' });
            say(null);
          })
        : banner.message
          ? now(() => say(null))
          : disabled('nothing to go back to'),
    'global.quit': quitAction(store, runner, onQuit, services.engines.startsOn),
  };
  useScreenCommands(['global'], global, { priority: PRIORITY.app });

  // The depot keys (1…9) on a screen opened over the depots go straight back to that depot.
  const [pickTab, setPickTab] = useState<{ index: number; seq: number } | null>(null);
  const overDepots = screen.kind === 'downloads' || screen.kind === 'registries' || screen.kind === 'repositories' || screen.kind === 'engines';
  useScreenCommands(
    ['depots'],
    {
      'depots.pick': now((key) => {
        dispatch({ type: 'reset', screen: { kind: 'depots' } });
        setPickTab((p) => ({ index: Number(key) - 1, seq: (p?.seq ?? 0) + 1 }));
        say(null);
      }),
    },
    { active: overDepots && !overlay },
  );

  const app: AppActions = {
    push,
    pull,
    started,
    downloads: shown,
    seenFailed: markSeen,
    showMessage: (message) => {
      say(message);
      banner.setOpen(true);
    },
    registries,
    registriesChanged: () => setRegistries(services.registries.list()),
    downloading: downloadingNames,
    pickTab,
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
      {/* A question is drawn over the top of the screen; the screen stays under it (cut at the bottom). */}
      <Box flexDirection="column" height={bodyHeight} overflow="hidden">
        {questions ? <QuestionHost theme={theme} width={width} /> : null}
        {messageOpen && banner.message ? (
          <MessagePane message={banner.message} theme={theme} width={width} height={bodyHeight} />
        ) : help ? (
          <HelpOverlay theme={theme} width={width} height={bodyHeight} onClose={() => setHelp(false)} />
        ) : null}
        {nav.stack.map((s, i) => {
          const active = i === nav.stack.length - 1 && !overlay;
          return (
            <Box key={`${i}:${s.kind}`} display={active ? 'flex' : 'none'} flexDirection="column" flexShrink={0}>
              {renderScreen(s, { services, theme, width, height: bodyHeight, active }, app)}
            </Box>
          );
        })}
      </Box>
      <Box height={1}>
        <ErrorBanner message={banner.message} theme={theme} width={width} />
      </Box>
      <Box height={1}>
        <KeyHints theme={theme} width={width} />
      </Box>
      <Box height={1}>
        <StatusLine store={shown} seenFailed={seenFailed} engine={engine.data} rate={services.status.hubRateLimit()} theme={theme} width={width} disk={disk.error === undefined ? disk.data : undefined} {...(services.updates ? { updates: services.updates.store } : {})} />
      </Box>
    </Box>
  );
}
