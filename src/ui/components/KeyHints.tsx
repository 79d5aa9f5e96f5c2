import { Box, Text } from 'ink';
import React from 'react';
import { BINDINGS, type Scope, displayKey, displayKeyAscii } from '../keys/bindings';
import type { Theme } from '../theme/theme';

/** Footer hints for the bindings of `scopes` that have a label (first scope first). */
export function hintItems(scopes: readonly Scope[], ascii: boolean, hidden: readonly string[] = []): { key: string; label: string }[] {
  const show = ascii ? displayKeyAscii : displayKey;
  const seen = new Set<string>();
  const items: { key: string; label: string }[] = [];
  for (const scope of scopes) {
    for (const b of BINDINGS) {
      if (b.scope !== scope || !b.label || hidden.includes(b.id)) continue;
      const first = b.keys[0];
      if (first === undefined || seen.has(first)) continue;
      seen.add(first);
      items.push({ key: show(first), label: b.label });
    }
  }
  return items;
}

export function KeyHints({ scopes, theme, width, hidden }: { scopes: readonly Scope[]; theme: Theme; width: number; hidden?: readonly string[] }): React.JSX.Element {
  const items = hintItems(scopes, theme.ascii, hidden);
  // Fit as many hints as the width allows, in table order.
  const parts: React.ReactNode[] = [];
  let used = 0;
  for (const [i, item] of items.entries()) {
    const w = item.key.length + 1 + item.label.length + 2;
    if (used + w > width) break;
    used += w;
    parts.push(
      <Text key={i}>
        <Text color={theme.text.accent} bold>
          {item.key}
        </Text>
        <Text color={theme.text.muted}>{` ${item.label}  `}</Text>
      </Text>,
    );
  }
  return <Box>{parts}</Box>;
}
