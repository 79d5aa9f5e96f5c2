import { Box, Text } from 'ink';
import React from 'react';
import { formatBytes } from '../../domain/format';
import { displayWidth, truncate } from '../../domain/text';
import type { EngineStatus, RateLimitView } from '../services';
import type { Theme } from '../theme/theme';

/** `engine unix:///… · images 1.2 GB · Hub 87/100 · ↓ 2 downloading 45%` */
export function statusParts(
  engine: EngineStatus | undefined,
  rate: RateLimitView | null,
  downloads: string,
  ellipsis = '…',
  /** Local tags with an update available (issue 12). */
  updates = 0,
): { text: string; tone: 'error' | 'muted' | 'running' }[] {
  const parts: { text: string; tone: 'error' | 'muted' | 'running' }[] = [];
  if (!engine) parts.push({ text: `engine: connecting${ellipsis}`, tone: 'muted' });
  else if (!engine.reachable) parts.push({ text: `engine: ${engine.error ?? 'unreachable'}`, tone: 'error' });
  else {
    parts.push({ text: `engine ${engine.host}`, tone: 'muted' });
    if (engine.imagesSize !== null) parts.push({ text: `images ${formatBytes(engine.imagesSize)}`, tone: 'muted' });
  }
  if (updates > 0) parts.push({ text: `${updates} update${updates === 1 ? '' : 's'}`, tone: 'running' });
  if (rate) parts.push({ text: `Hub ${rate.remaining}/${rate.limit}`, tone: rate.remaining === 0 ? 'error' : 'muted' });
  if (downloads) parts.push({ text: downloads, tone: 'running' });
  return parts;
}

export function StatusBar({
  engine,
  rate,
  downloads,
  theme,
  width,
  updates = 0,
}: {
  engine: EngineStatus | undefined;
  rate: RateLimitView | null;
  downloads: string;
  theme: Theme;
  width: number;
  updates?: number;
}): React.JSX.Element {
  // Cut to the width here (with the theme's ellipsis): Ink's own truncation would add a '…'.
  let room = width;
  const shown: { text: string; tone: string }[] = [];
  for (const [i, p] of statusParts(engine, rate, downloads, theme.glyph.ellipsis, updates).entries()) {
    const text = `${i ? theme.glyph.separator : ''}${p.text}`;
    if (room <= 0) break;
    const cut = truncate(text, room, theme.glyph.ellipsis);
    shown.push({ text: cut, tone: p.tone });
    room -= displayWidth(cut);
  }
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
