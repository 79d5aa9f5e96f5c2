import { Box, Text } from 'ink';
import React from 'react';
import { displayWidth, truncate } from '../../domain/text';
import type { Theme } from '../theme/theme';

export interface Tab {
  label: string;
  /** Shown after the label when known (a count, "…" while loading). */
  badge?: string | undefined;
}

export function tabText(tab: Tab, i: number): string {
  return ` ${i < 9 ? `${i + 1} ` : ''}${tab.label}${tab.badge ? ` ${tab.badge}` : ''} `;
}

/**
 * Which tabs fit in `width` (each takes its text and a gap). When they do not all fit, the ones from
 * the left that do, then `…`, then the selected one if it is further right: it always shows.
 */
export function visibleTabs(tabs: readonly Tab[], active: number, width: number, ellipsisWidth = 1): { shown: number[]; more: boolean } {
  const w = tabs.map((t, i) => displayWidth(tabText(t, i)) + 1);
  if (w.reduce((a, b) => a + b, 0) <= width) return { shown: tabs.map((_, i) => i), more: false };
  const activeWidth = active >= 0 && active < tabs.length ? (w[active] ?? 0) : 0;
  const shown: number[] = [];
  let used = ellipsisWidth + 1;
  for (let i = 0; i < tabs.length; i++) {
    const reserve = i < active ? activeWidth : 0;
    if (used + (w[i] ?? 0) + reserve > width) break;
    shown.push(i);
    used += w[i] ?? 0;
  }
  if (!shown.includes(active) && active >= 0 && active < tabs.length) shown.push(active);
  return { shown, more: true };
}

/** The depot tabs with their numbers (1…9 pick them). */
export function Tabs({ tabs, active, theme, width }: { tabs: Tab[]; active: number; theme: Theme; width: number }): React.JSX.Element {
  const { shown, more } = visibleTabs(tabs, active, width, displayWidth(theme.glyph.ellipsis));
  const parts: React.ReactNode[] = [];
  shown.forEach((i, n) => {
    const tab = tabs[i];
    if (!tab) return;
    // The `…` goes where tabs are left out: before a selected tab far to the right, else at the end.
    if (more && n > 0 && i !== (shown[n - 1] ?? 0) + 1)
      parts.push(
        <Text key="more" color={theme.text.muted}>
          {`${theme.glyph.ellipsis} `}
        </Text>,
      );
    const isActive = i === active;
    parts.push(
      <Text
        key={i}
        bold={isActive}
        color={isActive ? theme.selection.foreground : theme.text.muted}
        backgroundColor={isActive ? theme.selection.background : undefined}
        inverse={isActive && theme.selection.inverse}
      >
        {truncate(tabText(tab, i), width, theme.glyph.ellipsis)}
      </Text>,
      <Text key={`gap${i}`}> </Text>,
    );
  });
  const last = shown[shown.length - 1];
  if (more && last !== undefined && last < tabs.length - 1)
    parts.push(
      <Text key="more-end" color={theme.text.muted}>
        {theme.glyph.ellipsis}
      </Text>,
    );
  return <Box height={1} overflow="hidden">{parts}</Box>;
}
