// The Downloads screen: every download of every session (from the background worker) with an
// overall bar, speed and ETA; the selected one's layers with their own bars; x cancels, r retries.
import { Box, Text } from 'ink';
import React, { useEffect, useMemo } from 'react';
import type { DownloadSnapshot } from '../../../domain/images';
import { fit, truncateMiddle } from '../../../domain/text';
import type { BannerMessage } from '../../components/ErrorBanner';
import { ProgressBar } from '../../components/ProgressBar';
import { PRIORITY, disabledWhen, useCommands } from '../../hooks/inputRouter';
import { useListCursor } from '../../hooks/useListCursor';
import { useStoreSelector } from '../../hooks/useStore';
import { type DownloadsView, type UiServices, errorText } from '../../services';
import type { Theme } from '../../theme/theme';
import { bytesText, etaText, isActive, layerFraction, orderDownloads, percentText, speedText, statusText } from './presentation';

export interface DownloadsScreenProps {
  services: UiServices;
  theme: Theme;
  width: number;
  height: number;
  active: boolean;
  actions: {
    banner(message: BannerMessage | null): void;
    /** Failed downloads the user has now seen (the status bar stops counting them). */
    seenFailed?(ids: readonly string[]): void;
  };
}

function DownloadRow({ d, selected, width, theme, focused }: { d: DownloadSnapshot; selected: boolean; width: number; theme: Theme; focused: boolean }) {
  const nameW = Math.max(12, Math.floor(width * 0.3));
  const barW = Math.max(8, width - nameW - 12 - 5 - 11 - 7 - 6);
  const color = d.status === 'failed' ? theme.status.error : d.status === 'complete' ? theme.status.success : d.status === 'cancelled' ? theme.text.muted : theme.status.running;
  const sel = selected && focused;
  return (
    <Text wrap="truncate-end">
      <Text color={sel ? theme.text.accent : undefined} bold={selected}>{`${selected ? theme.glyph.pointer : ' '} ${fit(truncateMiddle(d.name, nameW, theme.glyph.ellipsis), nameW)} `}</Text>
      {isActive(d) ? (
        <>
          <Text color={color}>{fit(d.status, 12)}</Text>
          <ProgressBar fraction={d.percent === null ? null : d.percent / 100} width={barW} theme={theme} />
          <Text>{` ${percentText(d, theme.glyph.ellipsis)} `}</Text>
          <Text color={theme.text.muted}>{`${fit(speedText(d), 11, 'right')} ${fit(etaText(d), 6, 'right')}`}</Text>
        </>
      ) : (
        <Text color={color}>{statusText(d)}</Text>
      )}
    </Text>
  );
}

const identity = (v: DownloadsView): DownloadsView => v;

export function DownloadsScreen({ services, theme, width, height, active, actions }: DownloadsScreenProps): React.JSX.Element {
  // Subscribed here, only while on show: a progress tick re-renders this screen, not the app.
  const view = useStoreSelector(services.downloads.store, identity, active);
  const { active: running, history } = useMemo(() => orderDownloads(view.downloads), [view.downloads]);
  const rows = useMemo(() => [...running, ...history], [running, history]);
  // The list takes what the selected download's layers leave.
  const layersShown = Math.min(8, Math.max(3, Math.floor((height - 6) / 2)));
  const listHeight = Math.max(3, height - 5 - layersShown);
  const cursor = useListCursor(rows.length, listHeight);
  const selected = rows[cursor.selected];

  const act = (what: 'cancel' | 'retry') => {
    if (!selected) return;
    const run = what === 'cancel' ? services.downloads.cancel(selected.id) : services.downloads.retry(selected.id);
    run.then(
      () => actions.banner({ kind: 'info', text: `${what === 'cancel' ? 'cancelled' : 'retrying'} ${selected.name}` }),
      (error: unknown) => actions.banner({ kind: 'error', text: errorText(error) }),
    );
  };
  useCommands(
    ['downloads', 'list'],
    (command) => {
      if (cursor.command(command)) return true;
      if (command === 'downloads.cancel') {
        act('cancel');
        return true;
      }
      if (command === 'downloads.retry') {
        act('retry');
        return true;
      }
      return false;
    },
    {
      priority: PRIORITY.screen,
      active,
      disabled: disabledWhen({
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
  const layerBar = Math.max(6, Math.floor(width * 0.35));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={theme.text.title}>
        {`Downloads`}
        <Text color={theme.text.muted} bold={false}>{`  ${running.length} running, ${history.length} finished  (they go on when you quit)`}</Text>
      </Text>
      {view.error ? <Text color={theme.status.warning}>{view.error}</Text> : null}
      {rows.length === 0 ? (
        <Text color={theme.text.muted}>  no downloads yet: press p on an image or a tag</Text>
      ) : (
        windowRows.map((d, i) => (
          <DownloadRow key={d.id} d={d} selected={cursor.offset + i === cursor.selected} width={width} theme={theme} focused={active} />
        ))
      )}
      {rows.length > listHeight ? <Text color={theme.text.muted}>{`  ${cursor.selected + 1}/${rows.length}`}</Text> : null}
      {selected ? (
        <Box flexDirection="column" marginTop={1}>
          <Text color={selected.status === 'failed' ? theme.status.error : theme.text.muted} wrap="truncate-end">
            {`  ${selected.name}${selected.platform ? ` (${selected.platform})` : ''}${selected.total ? `  ${bytesText(selected.current, selected.total)}` : ''}`}
          </Text>
          <Text color={selected.status === 'failed' ? theme.status.error : theme.text.muted} wrap="truncate-end">
            {`  ${selected.status === 'failed' ? statusText(selected) : selected.detail || selected.status}`}
          </Text>
          {selected.digest ? (
            <Text color={theme.text.muted} wrap="truncate-end">
              {`  ${selected.digest}`}
            </Text>
          ) : null}
          {layers.slice(0, layersShown).map((l) => (
            <Text key={l.id} wrap="truncate-end">
              <Text color={theme.text.muted}>{`    ${fit(l.id, 12)} ${fit(l.status, 18, 'left', theme.glyph.ellipsis)} `}</Text>
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
