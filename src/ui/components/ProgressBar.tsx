import { Text } from 'ink';
import React from 'react';
import type { Theme } from '../theme/theme';

/**
 * The bar as text: `width` cells, with a partial cell where the glyphs allow (never showing more
 * than is done); null (total unknown) gives an empty track.
 */
export function barText(fraction: number | null, width: number, glyph: Theme['glyph']): string {
  if (width <= 0) return '';
  if (fraction === null || !Number.isFinite(fraction)) return glyph.barEmpty.repeat(width);
  const exact = Math.max(0, Math.min(1, fraction)) * width;
  const full = Math.floor(exact);
  let partial = '';
  if (full < width && glyph.barPartial.length > 0) {
    const k = Math.floor((exact - full) * (glyph.barPartial.length + 1));
    if (k > 0) partial = glyph.barPartial[k - 1] ?? '';
  }
  return glyph.barFull.repeat(full) + partial + glyph.barEmpty.repeat(width - full - (partial ? 1 : 0));
}

export interface ProgressBarProps {
  fraction: number | null;
  width: number;
  theme: Theme;
  color?: string | undefined;
}

export function ProgressBar({ fraction, width, theme, color }: ProgressBarProps): React.JSX.Element {
  return <Text color={color ?? theme.status.running}>{barText(fraction, width, theme.glyph)}</Text>;
}
