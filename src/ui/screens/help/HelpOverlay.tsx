// The `?` overlay: every binding, generated from the key table, scrollable; it takes keys first.
import { Box, Text } from 'ink';
import React, { useMemo, useState } from 'react';
import { truncate } from '../../../domain/text';
import { PRIORITY, useCommands, useKeyboardView } from '../../hooks/inputRouter';
import type { CommandId } from '../../keys/bindings';
import { helpSections } from '../../keys/help';
import type { Theme } from '../../theme/theme';

export function HelpOverlay({ theme, width, height, onClose }: { theme: Theme; width: number; height: number; onClose: () => void }): React.JSX.Element {
  // What was disabled on the screen help was opened over (and why): said next to those keys.
  const view = useKeyboardView();
  // Keys of those scopes that screen does not take are said to do nothing there.
  const [disabled] = useState((): Partial<Record<CommandId, string>> => ({ ...Object.fromEntries(view.hidden.map((id) => [id, 'not on this screen'])), ...view.disabled }));
  const lines = useMemo(() => {
    const out: { text: string; keys?: string; title?: boolean; disabled?: boolean }[] = [];
    for (const s of helpSections({ ascii: theme.ascii })) {
      out.push({ text: s.title, title: true });
      for (const r of s.rows) {
        const why = disabled[r.id];
        out.push({ keys: r.keys, text: why ? `${r.description} (not now: ${why})` : r.description, ...(why ? { disabled: true } : {}) });
      }
      out.push({ text: '' });
    }
    return out;
  }, [theme.ascii, disabled]);
  const body = Math.max(3, height - 4);
  const [top, setTop] = useState(0);
  const maxTop = Math.max(0, lines.length - body);
  useCommands(
    ['help'],
    (command) => {
      const page = body - 1;
      // Functional updates: a burst of the same key composes (see `repeat` in the key table).
      const moves: Partial<Record<CommandId, (t: number) => number>> = {
        'help.down': (t) => t + 1,
        'help.up': (t) => t - 1,
        'help.pageDown': (t) => t + page,
        'help.pageUp': (t) => t - page,
        'help.top': () => 0,
        'help.bottom': () => maxTop,
      };
      const move = moves[command];
      if (command === 'help.close') onClose();
      else if (move) setTop((t) => Math.max(0, Math.min(maxTop, move(t))));
      return true;
    },
    { priority: PRIORITY.overlay, modal: true },
  );
  const keyWidth = 22;
  return (
    <Box flexDirection="column" borderStyle={theme.border.style} borderColor={theme.text.accent} paddingX={1} width={Math.min(width, 100)} height={Math.min(height, body + 3)}>
      <Text bold color={theme.text.title}>
        Keys <Text color={theme.text.muted} bold={false}>{`  (${top + 1}-${Math.min(lines.length, top + body)} of ${lines.length}; ${theme.ascii ? 'Up/Down' : '↑↓'} PgUp/PgDn g/G scroll, Esc closes)`}</Text>
      </Text>
      {lines.slice(top, top + body).map((l, i) =>
        l.title ? (
          <Text key={i} bold color={theme.text.accent}>
            {l.text}
          </Text>
        ) : (
          <Text key={i} wrap="truncate-end">
            <Text color={theme.text.accent}>{`  ${(l.keys ?? '').padEnd(keyWidth)}`}</Text>
            <Text color={l.disabled ? theme.text.muted : undefined}>{truncate(l.text, Math.min(width, 100) - keyWidth - 6, theme.glyph.ellipsis)}</Text>
          </Text>
        ),
      )}
    </Box>
  );
}
