// The Downloads screen: every download of every session (from the background worker) with an
// overall bar, speed and ETA; the selected one's layers with their own bars; x cancels, r retries.
import { Box, Text } from 'ink';
import React, { useEffect, useMemo, useState } from 'react';
import type { DownloadSnapshot } from '../../../domain/images';
import { sanitizeLine } from '../../../domain/sanitize';
import { displayWidth, fit, truncateStart } from '../../../domain/text';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import type { BannerMessage } from '../../components/ErrorBanner';
import { ProgressBar } from '../../components/ProgressBar';
import { PRIORITY, disabledWhen, useCommands } from '../../hooks/inputRouter';
import { useListCursor } from '../../hooks/useListCursor';
import { type ExternalStore, useStoreSelector } from '../../hooks/useStore';
import { type DownloadsView, type UiServices, errorText } from '../../services';
import type { Theme } from '../../theme/theme';
import { showsEngine } from '../../../views/downloads';
import {
  bytesText,
  countsText,
  downloadBytesText,
  etaText,
  isActive,
  layerFraction,
  layerStatus,
  orderDownloads,
  percentText,
  speedText,
  startedText,
  statusText,
  statusWord,
} from './presentation';

export interface DownloadsScreenProps {
  services: UiServices;
  /** The downloads, sampled for the screen (see sampledStore). */
  store: ExternalStore<DownloadsView>;
  theme: Theme;
  width: number;
  height: number;
  active: boolean;
  actions: {
    banner(message: BannerMessage | null): void;
    /** Failed downloads the user has now seen (the status bar stops counting them). */
    seenFailed?(ids: readonly string[]): void;
    /** Opens a message whole (the `e` pane of the banner). */
    showMessage?(message: BannerMessage): void;
  };
}

function DownloadRow(props: { d: DownloadSnapshot & { engine?: string }; selected: boolean; width: number; nameW: number; engineW: number; theme: Theme; focused: boolean; now: number }) {
  const { d, selected, width, nameW, engineW, theme, focused, now } = props;
  const barW = Math.max(8, width - nameW - (engineW > 0 ? engineW + 1 : 0) - 3 - 12 - 5 - 11 - 7 - 1);
  const color = d.status === 'failed' ? theme.status.error : d.status === 'complete' ? theme.status.success : d.status === 'cancelled' || d.status === 'waiting' ? theme.text.muted : theme.status.running;
  const sel = selected && focused;
  const running = d.status === 'downloading' || d.status === 'extracting';
  return (
    <Text wrap="truncate-end">
      <Text color={sel ? theme.text.accent : undefined} bold={selected}>{`${selected ? theme.glyph.pointer : ' '} `}</Text>
      {engineW > 0 ? <Text color={theme.text.muted}>{`${fit(sanitizeLine(d.engine ?? ''), engineW, 'left', theme.glyph.ellipsis)} `}</Text> : null}
      <Text color={sel ? theme.text.accent : undefined} bold={selected}>{`${fit(truncateStart(d.name, nameW, theme.glyph.ellipsis), nameW)} `}</Text>
      {running ? (
        <>
          <Text color={color}>{fit(d.status, 12)}</Text>
          <ProgressBar fraction={d.percent === null ? null : d.percent / 100} width={barW} theme={theme} />
          <Text>{` ${percentText(d, theme.glyph.ellipsis)} `}</Text>
          <Text color={theme.text.muted}>{`${fit(speedText(d), 11, 'right')} ${fit(etaText(d), 6, 'right')}`}</Text>
        </>
      ) : (
        <>
          <Text color={color}>{fit(statusWord(d), 12)}</Text>
          <Text color={theme.text.muted}>{startedText(d, now)}</Text>
          {d.status === 'failed' ? <Text color={color}>{`  ${sanitizeLine(d.error ?? 'unknown error')}`}</Text> : null}
        </>
      )}
    </Text>
  );
}

const identity = (v: DownloadsView): DownloadsView => v;

export function DownloadsScreen({ services, store, theme, width, height, active, actions }: DownloadsScreenProps): React.JSX.Element {
  // Subscribed here, only while on show: a progress tick re-renders this screen, not the app. The
  // store is the app's sampled one (progress at most every half second, a status change at once).
  const view = useStoreSelector(store, identity, active);
  const now = services.clock.now();
  const [confirmCancel, setConfirmCancel] = useState<DownloadSnapshot | null>(null);
  const { active: running, history } = useMemo(() => orderDownloads(view.downloads), [view.downloads]);
  const rows = useMemo(() => [...running, ...history], [running, history]);
  // The list takes what the selected download's layers leave.
  const layersShown = Math.min(8, Math.max(3, Math.floor((height - 6) / 2)));
  const listHeight = Math.max(3, height - 5 - layersShown);
  const cursor = useListCursor(rows.length, listHeight);
  const selected = rows[cursor.selected];

  const act = (what: 'cancel' | 'retry', target: DownloadSnapshot | undefined) => {
    if (!target) return;
    const run = what === 'cancel' ? services.downloads.cancel(target.id) : services.downloads.retry(target.id);
    run.then(
      () => actions.banner({ kind: 'info', text: `${what === 'cancel' ? 'cancelled' : 'retrying'} ${target.name}` }),
      (error: unknown) => actions.banner({ kind: 'error', text: errorText(error) }),
    );
  };
  const clear = () => {
    services.downloads.clear().then(
      (n) => actions.banner({ kind: 'info', text: n ? `cleared ${n} finished download${n === 1 ? '' : 's'}` : 'nothing finished to clear' }),
      (error: unknown) => actions.banner({ kind: 'error', text: errorText(error) }),
    );
  };
  useCommands(
    ['downloads', 'list'],
    (command) => {
      if (cursor.command(command)) return true;
      if (command === 'downloads.cancel') {
        if (selected && isActive(selected)) setConfirmCancel(selected);
        return true;
      }
      if (command === 'downloads.retry') {
        if (selected && (selected.status === 'failed' || selected.status === 'cancelled')) act('retry', selected);
        return true;
      }
      if (command === 'downloads.clear') {
        clear();
        return true;
      }
      if (command === 'downloads.message') {
        if (selected?.error) actions.showMessage?.({ kind: 'error', text: `${selected.name}: ${selected.error}` });
        return true;
      }
      return false;
    },
    {
      priority: PRIORITY.screen,
      active: active && !confirmCancel,
      commands: ['list.up', 'list.down', 'list.pageUp', 'list.pageDown', 'list.first', 'list.last', 'downloads.cancel', 'downloads.retry', 'downloads.clear', 'downloads.message'],
      disabled: disabledWhen({
        'downloads.message': !selected?.error && 'no error message for this download',
        'downloads.cancel': !selected ? 'no download to cancel' : !isActive(selected) && `${selected.name} is not running`,
        'downloads.retry': !selected ? 'no download to retry' : selected.status !== 'failed' && selected.status !== 'cancelled' && 'only a failed or cancelled download can be retried',
      }),
    },
  );

  const failedKey = history
    .filter((d) => d.status === 'failed')
    .map((d) => d.id)
    .join(' ');
  const { seenFailed } = actions;
  useEffect(() => {
    if (active && failedKey) seenFailed?.(failedKey.split(' '));
  }, [active, failedKey, seenFailed]);

  const windowRows = rows.slice(cursor.offset, cursor.offset + listHeight);
  const layers = selected?.layers ?? [];
  // Layer lines: indent, id, status, bar, then room for `1.63 MB / 2.3 MB`.
  const layerBar = Math.max(6, Math.min(Math.floor(width * 0.35), width - 4 - 13 - 19 - 22));
  // Names first: the name column is as wide as the longest name (up to half the width); a cut name keeps its end.
  const nameW = Math.max(12, Math.min(Math.floor(width / 2), Math.max(0, ...rows.map((d) => displayWidth(d.name)))));
  // Downloads on more than one engine, or on another than this one: an ENGINE column (up to 16 wide).
  const engineW = showsEngine(view.engines ?? [], services.engines.active()) ? Math.min(16, Math.max(6, ...rows.map((d) => displayWidth(d.engine ?? '')))) : 0;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={theme.text.title}>
        {`Downloads`}
        <Text color={theme.text.muted} bold={false}>{`  ${countsText(rows)}  (they go on when you quit)`}</Text>
      </Text>
      {view.error ? <Text color={theme.status.warning}>{view.error}</Text> : null}
      {confirmCancel ? (
        <ConfirmDialog
          title={`Cancel ${confirmCancel.name}?`}
          lines={[`${confirmCancel.percent === null ? 'not started' : `${confirmCancel.percent}% done`}; it stops for every session (r retries it later)`]}
          theme={theme}
          width={width}
          onAnswer={(answer) => {
            const target = confirmCancel;
            setConfirmCancel(null);
            if (answer === 'yes') act('cancel', target);
          }}
        />
      ) : rows.length === 0 ? (
        <Text color={theme.text.muted}>  no downloads yet: press p on an image or a tag</Text>
      ) : (
        windowRows.map((d, i) => (
          <DownloadRow key={`${d.engine ?? ''}/${d.id}`} d={d} selected={cursor.offset + i === cursor.selected} width={width} nameW={nameW} engineW={engineW} theme={theme} focused={active && !confirmCancel} now={now} />
        ))
      )}
      {rows.length > listHeight ? <Text color={theme.text.muted}>{`  ${cursor.selected + 1}/${rows.length}`}</Text> : null}
      {selected ? (
        <Box flexDirection="column" marginTop={1}>
          <Text color={selected.status === 'failed' ? theme.status.error : theme.text.muted} wrap="truncate-end">
            {`  ${selected.name}${selected.platform ? ` (${selected.platform})` : ''}  ${downloadBytesText(selected)}`.trimEnd()}
          </Text>
          <Text color={selected.status === 'failed' ? theme.status.error : theme.text.muted} wrap="truncate-end">
            {`  ${isActive(selected) && selected.status !== 'waiting' ? selected.detail || selected.status : statusText(selected)}  ${startedText(selected, now)}`}
          </Text>
          {selected.digest ? (
            <Text color={theme.text.muted} wrap="truncate-end">
              {`  ${selected.digest}`}
            </Text>
          ) : null}
          {layers.slice(0, layersShown).map((l) => (
            <Text key={l.id} wrap="truncate-end">
              <Text color={theme.text.muted}>{`    ${fit(l.id, 12)} ${fit(layerStatus(selected, l), 18, 'left', theme.glyph.ellipsis)} `}</Text>
              <ProgressBar fraction={layerFraction(l)} width={layerBar} theme={theme} />
              <Text color={theme.text.muted}>{` ${bytesText(l.current, l.total)}`}</Text>
            </Text>
          ))}
          {layers.length > layersShown ? <Text color={theme.text.muted}>{`    ${theme.glyph.ellipsis} ${layers.length - layersShown} more layers`}</Text> : null}
        </Box>
      ) : null}
    </Box>
  );
}
