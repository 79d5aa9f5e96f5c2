import { Box, Text } from 'ink';
import React from 'react';
import type { Theme } from '../theme/theme';

export interface Tab {
  label: string;
  /** Shown after the label when known (a count, "…" while loading). */
  badge?: string | undefined;
}

/** The depot tabs with their numbers (1…9 pick them). */
export function Tabs({ tabs, active, theme, width }: { tabs: Tab[]; active: number; theme: Theme; width: number }): React.JSX.Element {
  const parts: React.ReactNode[] = [];
  let used = 0;
  for (const [i, tab] of tabs.entries()) {
    const text = ` ${i < 9 ? `${i + 1} ` : ''}${tab.label}${tab.badge ? ` ${tab.badge}` : ''} `;
    if (used + text.length + 1 > width) {
      parts.push(
        <Text key="more" color={theme.text.muted}>
          {theme.glyph.ellipsis}
        </Text>,
      );
      break;
    }
    used += text.length + 1;
    const isActive = i === active;
    parts.push(
      <Text
        key={i}
        bold={isActive}
        color={isActive ? theme.selection.foreground : theme.text.muted}
        backgroundColor={isActive ? theme.selection.background : undefined}
        inverse={isActive && theme.selection.inverse}
      >
        {text}
      </Text>,
      <Text key={`gap${i}`}> </Text>,
    );
  }
  return <Box>{parts}</Box>;
}
