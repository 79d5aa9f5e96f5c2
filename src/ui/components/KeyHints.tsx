import { Box, Text } from 'ink';
import React from 'react';
import { type KeyboardView, useKeyboardView } from '../hooks/inputRouter';
import { BINDINGS, type CommandId, type Scope, displayKey, displayKeyAscii } from '../keys/bindings';
import { displayWidth, truncate } from '../../domain/text';
import type { Theme } from '../theme/theme';

export interface HintItem {
  key: string;
  label: string;
}

/**
 * Footer hints for the labelled bindings of `scopes` (first scope first): only the keys that act now.
 * A disabled command is left out (help says why, and so does the footer when its key is pressed).
 */
export function hintItems(scopes: readonly Scope[], ascii: boolean, disabled: Partial<Record<CommandId, string>> = {}, hidden: readonly CommandId[] = []): HintItem[] {
  const show = ascii ? displayKeyAscii : displayKey;
  // A key bound in an earlier (more specific) scope shadows the same key further down.
  const bound = new Set<string>();
  const items: HintItem[] = [];
  for (const scope of new Set(scopes)) {
    const here = BINDINGS.filter((b) => b.scope === scope);
    for (const b of here) {
      const first = b.keys[0];
      if (!('label' in b) || first === undefined || bound.has(first) || hidden.includes(b.id)) continue;
      if (disabled[b.id] !== undefined) continue;
      items.push({ key: show(first), label: b.label });
    }
    for (const b of here) for (const k of b.keys) bound.add(k);
  }
  return items;
}

/**
 * The footer: the keys of the layers that have the keyboard now (no list keys while a form or
 * dialog is open). A key refused (disabled now, or not a key here) shows why, until the next key.
 */
export function KeyHints({ theme, width, view: given }: { theme: Theme; width: number; view?: KeyboardView }): React.JSX.Element {
  const live = useKeyboardView();
  const view = given ?? live;
  if (view.refused) {
    const key = (theme.ascii ? displayKeyAscii : displayKey)(view.refused.key);
    return (
      <Text wrap="truncate-end">
        <Text color={theme.text.accent} bold>
          {key}
        </Text>
        <Text color={theme.status.warning}>{truncate(`: ${view.refused.reason}`, Math.max(0, width - displayWidth(key)), theme.glyph.ellipsis)}</Text>
      </Text>
    );
  }
  const all = hintItems(view.scopes, theme.ascii, view.disabled, view.hidden);
  // Fit as many hints as the width allows, in table order, and always end with `? help`.
  const help = all.find((item) => item.label === 'help');
  const items = help ? [...all.filter((item) => item !== help), help] : all;
  const room = width - (help ? help.key.length + 1 + help.label.length + 2 : 0);
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
