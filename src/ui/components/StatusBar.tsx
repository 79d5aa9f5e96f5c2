import { Box, Text } from 'ink';
import React from 'react';
import { formatBytes } from '../../domain/format';
import type { EngineStatus, RateLimitView } from '../services';
import type { Theme } from '../theme/theme';

/** `engine unix:///… · images 1.2 GB · Hub 87/100 · ↓ 2 downloading 45%` */
export function statusParts(engine: EngineStatus | undefined, rate: RateLimitView | null, downloads: string): { text: string; tone: 'error' | 'muted' | 'running' }[] {
  const parts: { text: string; tone: 'error' | 'muted' | 'running' }[] = [];
  if (!engine) parts.push({ text: 'engine: connecting…', tone: 'muted' });
  else if (!engine.reachable) parts.push({ text: `engine: ${engine.error ?? 'unreachable'}`, tone: 'error' });
  else {
    parts.push({ text: `engine ${engine.host}`, tone: 'muted' });
    if (engine.imagesSize !== null) parts.push({ text: `images ${formatBytes(engine.imagesSize)}`, tone: 'muted' });
  }
  if (rate) parts.push({ text: `Hub ${rate.remaining}/${rate.limit}`, tone: rate.remaining === 0 ? 'error' : 'muted' });
  if (downloads) parts.push({ text: downloads, tone: 'running' });
  return parts;
}

export function StatusBar({ engine, rate, downloads, theme, width }: { engine: EngineStatus | undefined; rate: RateLimitView | null; downloads: string; theme: Theme; width: number }): React.JSX.Element {
  const parts = statusParts(engine, rate, downloads);
  return (
    <Box width={width}>
      <Text wrap="truncate-end">
        {parts.map((p, i) => (
          <Text key={i} color={p.tone === 'error' ? theme.status.error : p.tone === 'running' ? theme.status.running : theme.text.muted}>
            {`${i ? ' · ' : ''}${p.text}`}
          </Text>
        ))}
      </Text>
    </Box>
  );
}
