// The app: providers (activity, keys, the action executor), the engine in use (switching starts the
// screens afresh), and the shell that keeps the screens while the terminal is too small.
import { Box, Text } from 'ink';
import React, { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { ActionsProvider, QuestionHost, useRunner, useScreenCommands } from '../ui/actions/runner';
import { Activity, ActivityContext } from '../ui/hooks/activity';
import { type InputOptions, InputRouter, PRIORITY } from '../ui/hooks/inputRouter';
import { useTerminalSize } from '../ui/hooks/useTerminalSize';
import type { UiServices } from '../ui/services';
import type { Theme } from '../ui/theme/theme';
import { quitAction } from './quit';
import { Screens } from './Screens';
import { trackServices } from './trackedServices';
import { useBanner } from './useBanner';

export { progressIntervalMs } from './Screens';

export interface AppProps {
  services: UiServices;
  theme: Theme;
  /** Called once when the user quits; `downloadsRunning` says whether downloads go on in the background. */
  onQuit: (downloadsRunning: number) => void;
  /** The keystroke layer: Esc wait (`keys.escape_ms`), a redraw signal, the key trace, the idle signal. */
  input?: InputOptions;
}

/** The smallest terminal the screens are laid out for. */
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

/** While the terminal is too small: the screens stay mounted (hidden, keys held off); q still quits. */
function TooSmall({ services, theme, onQuit, columns, rows }: Pick<AppProps, 'services' | 'theme' | 'onQuit'> & { columns: number; rows: number }): React.JSX.Element {
  const runner = useRunner();
  useScreenCommands(['global'], { 'global.quit': quitAction(services.downloads.store, runner, onQuit, services.engines.startsOn) }, { priority: PRIORITY.overlay, modal: true, refusal: `the terminal is too small (${MIN_COLUMNS}x${MIN_ROWS} needed): q quits` });
  return (
    <>
      <QuestionHost theme={theme} width={Math.max(20, columns)} />
      <Box width={Math.max(1, columns)} height={Math.max(1, rows - 1)}>
        <Text wrap="wrap">{`terminal too small: ${MIN_COLUMNS}x${MIN_ROWS} needed, this is ${columns}x${rows}`}</Text>
      </Box>
    </>
  );
}

function Shell({ services, theme, onQuit }: AppProps): React.JSX.Element {
  const { columns, rows } = useTerminalSize();
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const banner = useBanner(services, services.downloads.store);
  return (
    <ActionsProvider banner={banner.set}>
      {tooSmall ? <TooSmall services={services} theme={theme} onQuit={onQuit} columns={columns} rows={rows} /> : null}
      <Box display={tooSmall ? 'none' : 'flex'}>
        <Screens services={services} theme={theme} onQuit={onQuit} columns={columns} rows={rows} banner={banner} questions={!tooSmall} />
      </Box>
    </ActionsProvider>
  );
}

export function App(props: AppProps): React.JSX.Element {
  const [activity] = useState(() => new Activity());
  // Every service call the screens make counts as activity until it settles (the idle signal).
  const services = useMemo(() => trackServices(props.services, activity), [props.services, activity]);
  // An update check running in the background keeps the app busy too.
  const updates = props.services.updates?.store;
  useEffect(() => {
    if (!updates) return undefined;
    let end: (() => void) | null = null;
    const look = () => {
      const checking = updates.getSnapshot().checking;
      if (checking && !end) end = activity.begin('update check');
      else if (!checking && end) {
        end();
        end = null;
      }
    };
    look();
    const off = updates.subscribe(look);
    return () => {
      off();
      end?.();
    };
  }, [updates, activity]);
  // Switching engines (C, Enter) starts the screens afresh on the other engine: lists, downloads, marks
  // and the status follow it; the other engine's downloads go on in its own worker.
  const { engines } = props.services;
  const engine = useSyncExternalStore(engines.subscribe, engines.active);
  return (
    <ActivityContext.Provider value={activity}>
      <InputRouter {...props.input} activity={activity}>
        <Shell key={engine} {...props} services={services} />
      </InputRouter>
    </ActivityContext.Provider>
  );
}
