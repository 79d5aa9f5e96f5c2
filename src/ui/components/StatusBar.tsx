import { Box, Text } from 'ink';
import React from 'react';
import { formatBytes } from '../../domain/format';
import { displayWidth, truncate, truncateMiddle } from '../../domain/text';
import type { DiskSummary, EngineStatus, RateLimitView } from '../services';
import type { Theme } from '../theme/theme';

export type StatusTone = 'error' | 'muted' | 'running';

export interface StatusPart {
  text: string;
  tone: StatusTone;
  /** Shorter ways to say it, tried in order when the line is narrow. */
  shorter?: string[];
  /** Said before the text and never cut (`engine `). */
  lead?: string;
  /** Cells a cut in the middle may bring the text down to (`engine unix:///…/d.sock`). */
  squeeze?: number;
  /** Left out when even the shortest forms do not fit. */
  optional?: boolean;
}

/** `engine unix:///… · images 1.2 GB · Docker Hub pulls left: 87 of 100 · ↓ 2 downloading 45%` */
export function statusParts(
  engine: EngineStatus | undefined,
  rate: RateLimitView | null,
  downloads: string,
  ellipsis = '…',
  /** Local tags with an update available (issue 12). */
  updates = 0,
  /** The images' bytes counted from their layers, and what pruning every unused image frees (issue 23). */
  disk?: DiskSummary,
): StatusPart[] {
  const parts: StatusPart[] = [];
  if (!engine) parts.push({ text: `engine: connecting${ellipsis}`, tone: 'muted' });
  else if (!engine.reachable) parts.push({ text: `engine: ${engine.error ?? 'unreachable'}`, tone: 'error' });
  else {
    parts.push({ lead: 'engine ', text: engine.host, tone: 'muted', squeeze: 12 });
    if (disk) {
      const atLeast = disk.unknownLayers > 0 ? '>=' : '';
      parts.push({ text: `images ${atLeast}${formatBytes(disk.bytes)}, ${atLeast}${formatBytes(disk.reclaimable)} reclaimable`, tone: 'muted', optional: true });
    } else if (engine.imagesSize !== null) parts.push({ text: `images ${formatBytes(engine.imagesSize)}`, tone: 'muted', optional: true });
  }
  if (updates > 0) parts.push({ text: `${updates} update${updates === 1 ? '' : 's'}`, tone: 'running' });
  if (rate) {
    // What the numbers count: anonymous or per-account pulls Docker Hub still allows in its window.
    parts.push({
      text: `Docker Hub pulls left: ${rate.remaining} of ${rate.limit}`,
      shorter: [`Hub pulls left: ${rate.remaining}/${rate.limit}`],
      tone: rate.remaining === 0 ? 'error' : 'muted',
    });
  }
  if (downloads) parts.push({ text: downloads, tone: 'running' });
  return parts;
}

/**
 * The parts on one line of `width` cells: first the shorter forms, then the engine's address cut in the
 * middle, then the optional parts left out; what still does not fit is cut at the end.
 */
export function fitStatus(parts: readonly StatusPart[], width: number, separator: string, ellipsis = '…'): { text: string; tone: StatusTone }[] {
  const texts = parts.map((p) => p.text);
  const shown = parts.map(() => true);
  const whole = (i: number) => `${parts[i]?.lead ?? ''}${texts[i] ?? ''}`;
  const total = () => {
    const on = parts.map((_, i) => i).filter((i) => shown[i]);
    return on.reduce((a, i) => a + displayWidth(whole(i)), 0) + displayWidth(separator) * Math.max(0, on.length - 1);
  };
  const squeeze = () => {
    for (const [i, p] of parts.entries()) {
      if (p.squeeze === undefined) continue;
      texts[i] = p.text;
      const over = total() - width;
      if (over > 0) texts[i] = truncateMiddle(p.text, Math.max(p.squeeze, displayWidth(p.text) - over), ellipsis);
    }
  };
  for (const [i, p] of parts.entries()) {
    for (const form of p.shorter ?? []) {
      if (total() <= width) break;
      texts[i] = form;
    }
  }
  squeeze();
  for (const [i, p] of parts.entries()) {
    if (total() <= width) break;
    if (p.optional) shown[i] = false;
  }
  // What the parts left out gave back goes to the squeezed text first.
  squeeze();
  // Cut to the width here (with the theme's ellipsis): Ink's own truncation would add a '…'.
  let room = width;
  const out: { text: string; tone: StatusTone }[] = [];
  for (const [i, p] of parts.entries()) {
    if (!shown[i]) continue;
    if (room <= 0) break;
    const cut = truncate(`${out.length ? separator : ''}${whole(i)}`, room, ellipsis);
    out.push({ text: cut, tone: p.tone });
    room -= displayWidth(cut);
  }
  return out;
}

export function StatusBar({
  engine,
  rate,
  downloads,
  theme,
  width,
  updates = 0,
  disk,
}: {
  engine: EngineStatus | undefined;
  rate: RateLimitView | null;
  downloads: string;
  theme: Theme;
  width: number;
  updates?: number;
  disk?: DiskSummary | undefined;
}): React.JSX.Element {
  const shown = fitStatus(statusParts(engine, rate, downloads, theme.glyph.ellipsis, updates, disk), width, theme.glyph.separator, theme.glyph.ellipsis);
  return (
    <Box width={width}>
      <Text wrap="truncate-end">
        {shown.map((p, i) => (
          <Text key={i} color={p.tone === 'error' ? theme.status.error : p.tone === 'running' ? theme.status.running : theme.text.muted}>
            {p.text}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
