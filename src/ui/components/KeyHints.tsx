import { Box, Text } from 'ink';
import React from 'react';
import { BINDINGS, type Scope, displayKey, displayKeyAscii } from '../keys/bindings';
import type { Theme } from '../theme/theme';

/** Footer hints for the bindings of `scopes` that have a label (first scope first). */
export function hintItems(scopes: readonly Scope[], ascii: boolean, hidden: readonly string[] = []): { key: string; label: string }[] {
  const show = ascii ? displayKeyAscii : displayKey;
  // A key bound in an earlier (more specific) scope shadows the same key further down.
  const bound = new Set<string>();
  const items: { key: string; label: string }[] = [];
  for (const scope of scopes) {
    const here = BINDINGS.filter((b) => b.scope === scope);
    for (const b of here) {
      const first = b.keys[0];
      if (!b.label || first === undefined || hidden.includes(b.id) || bound.has(first)) continue;
      items.push({ key: show(first), label: b.label });
    }
    for (const b of here) for (const k of b.keys) bound.add(k);
  }
  return items;
}

export function KeyHints({ scopes, theme, width, hidden }: { scopes: readonly Scope[]; theme: Theme; width: number; hidden?: readonly string[] }): React.JSX.Element {
  const all = hintItems(scopes, theme.ascii, hidden);
  // Fit as many hints as the width allows, in table order, and always end with `? help`.
  const help = all.find((item) => item.label === 'help');
  const items = help ? [...all.filter((item) => item !== help), help] : all;
  const room = width - (help ? help.key.length + 1 + help.label.length : 0);
  const parts: React.ReactNode[] = [];
  let used = 0;
  for (const [i, item] of items.entries()) {
    const w = item.key.length + 1 + item.label.length + 2;
    if (item !== help && used + w > room) continue;
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
