// The Downloads screen: every download of every session (from the background worker) with an
// overall bar, speed and ETA; the selected one's layers with their own bars (keys: useDownloadsScreen).
import { Box, Text } from 'ink';
import React from 'react';
import type { DownloadSnapshot } from '../../../domain/images';
import { sanitizeLine } from '../../../domain/sanitize';
import { displayWidth, fit, truncate, truncateStart } from '../../../domain/text';
import { FilterLine } from '../../components/FilterLine';
import { ProgressBar } from '../../components/ProgressBar';
import type { ExternalStore } from '../../hooks/useStore';
import { type DownloadsView, type UiServices, appWords } from '../../services';
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
  percentText,
  speedText,
  startedText,
  statusText,
  statusWord,
} from './presentation';
import { type DownloadsScreenActions, useDownloadsScreen } from './useDownloadsScreen';

export interface DownloadsScreenProps {
  services: UiServices;
  /** The downloads, sampled for the screen (see sampledStore). */
  store: ExternalStore<DownloadsView>;
  theme: Theme;
  width: number;
  height: number;
  active: boolean;
  /** The download this session started last (`p`), selected once it is listed. */
  started?: string | null;
  actions: DownloadsScreenActions;
}

function DownloadRow(props: { d: DownloadSnapshot & { engine?: string }; selected: boolean; width: number; nameW: number; engineW: number; theme: Theme; focused: boolean; now: number }) {
  const { d, selected, width, nameW, engineW, theme, focused, now } = props;
  const barW = Math.max(8, width - nameW - (engineW > 0 ? engineW + 1 : 0) - 3 - 12 - 5 - 11 - 7 - 1);
  const color = d.status === 'failed' ? theme.status.error : d.status === 'complete' ? theme.status.success : d.status === 'cancelled' || d.status === 'waiting' ? theme.text.muted : theme.status.running;
  const sel = selected && focused;
  const running = d.status === 'downloading' || d.status === 'extracting';
  // What the line has left for a failed download's error after the name, the status and the start.
  const errorRoom = width - nameW - (engineW > 0 ? engineW + 1 : 0) - 3 - 12 - displayWidth(startedText(d, now));
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
          {d.status === 'failed' && errorRoom >= 12 ? (
            // Cut here, with the theme's ellipsis (Ink's own cut would write '…' under LANG=C); `e` shows it whole.
            <Text color={color}>{truncate(`  ${appWords(sanitizeLine(d.error ?? 'unknown error'))}`, errorRoom, theme.glyph.ellipsis)}</Text>
          ) : null}
        </>
      )}
    </Text>
  );
}

export function DownloadsScreen({ services, store, theme, width, height, active, started = null, actions }: DownloadsScreenProps): React.JSX.Element {
  const now = services.clock.now();
  // The list takes what the selected download's layers leave.
  const layersShown = Math.min(8, Math.max(3, Math.floor((height - 6) / 2)));
  const listHeight = Math.max(3, height - 5 - layersShown);
  const vm = useDownloadsScreen({ services, store, active, listHeight, started, actions });
  const { view, list, selected } = vm;
  const rows = list.shown;
  const cursor = list.cursor;
  const windowRows = rows.slice(cursor.offset, cursor.offset + listHeight);
  const layers = selected?.layers ?? [];
  // Layer lines: indent, id, status, bar, then room for `1.63 MB / 2.3 MB`.
  const layerBar = Math.max(6, Math.min(Math.floor(width * 0.35), width - 4 - 13 - 19 - 22));
  // Names first: the name column is as wide as the longest name (up to half the width); a cut name keeps its end.
  // At most half the line, and never so wide that the bar (8 cells at least), the percent, speed and ETA
  // (39 cells with the gaps) do not fit: a long name is cut at its start instead.
  // Downloads on more than one engine, or on another than this one: an ENGINE column (up to 16 wide).
  const engineW = showsEngine(view.engines ?? [], services.engines.active()) ? Math.min(16, Math.max(6, ...rows.map((d) => displayWidth(d.engine ?? '')))) : 0;
  const nameW = Math.max(12, Math.min(Math.floor(width / 2), width - 39 - 8 - (engineW > 0 ? engineW + 1 : 0), Math.max(0, ...rows.map((d) => displayWidth(d.name)))));
  return (
    <Box flexDirection="column" width={width} height={height}>
      {list.field.editing ? (
        <FilterLine field={list.field} filter={list.filter} shown={rows.length} total={vm.rows.length} theme={theme} />
      ) : (
        <Text bold color={theme.text.title} wrap="truncate-end">
          {`Downloads`}
          <Text color={theme.text.muted} bold={false}>{`  ${countsText(vm.rows)}  (they go on when you quit)`}</Text>
          {list.filter ? <Text color={theme.text.muted} bold={false}>{`  filter: ${list.filter} (${rows.length} of ${vm.rows.length})`}</Text> : null}
        </Text>
      )}
      {view.error ? <Text color={theme.status.warning}>{appWords(view.error)}</Text> : null}
      {rows.length === 0 ? (
        <Text color={theme.text.muted}>{list.filter ? `  nothing matches "${list.filter}"` : '  no downloads yet: press p on an image or a tag'}</Text>
      ) : (
        windowRows.map((d, i) => (
          <DownloadRow key={`${d.engine ?? ''}/${d.id}`} d={d} selected={cursor.offset + i === cursor.selected} width={width} nameW={nameW} engineW={engineW} theme={theme} focused={active && !list.field.editing} now={now} />
        ))
      )}
      {rows.length > listHeight ? <Text color={theme.text.muted}>{`  ${cursor.selected + 1}/${rows.length}`}</Text> : null}
      {selected ? (
        <Box flexDirection="column" marginTop={1}>
          <Text color={selected.status === 'failed' ? theme.status.error : theme.text.muted} wrap="truncate-end">
            {truncate(`  ${selected.name}${selected.platform ? ` (${selected.platform})` : ''}  ${downloadBytesText(selected)}`.trimEnd(), width, theme.glyph.ellipsis)}
          </Text>
          <Text color={selected.status === 'failed' ? theme.status.error : theme.text.muted} wrap="truncate-end">
            {truncate(`  ${isActive(selected) && selected.status !== 'waiting' ? selected.detail || selected.status : statusText(selected)}  ${startedText(selected, now)}`, width, theme.glyph.ellipsis)}
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
