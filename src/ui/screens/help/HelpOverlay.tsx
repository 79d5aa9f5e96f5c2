// The `?` overlay: every binding, generated from the key table, scrollable; it takes keys first.
import { Box, Text } from 'ink';
import React, { useMemo, useState } from 'react';
import { wrapText } from '../../../domain/prose';
import { displayWidth, fit } from '../../../domain/text';
import { PRIORITY, useCommands, useKeyboardView } from '../../hooks/inputRouter';
import type { CommandId } from '../../keys/bindings';
import { type HelpSection, helpSections } from '../../keys/help';
import type { Theme } from '../../theme/theme';

export function HelpOverlay({ theme, width, height, onClose }: { theme: Theme; width: number; height: number; onClose: () => void }): React.JSX.Element {
  // What was disabled on the screen help was opened over (and why): said next to those keys.
  const view = useKeyboardView();
  // Keys of those scopes that screen does not take are said to do nothing there.
  const [disabled] = useState((): Partial<Record<CommandId, string>> => ({ ...Object.fromEntries(view.hidden.map((id) => [id, 'not on this screen'])), ...view.disabled }));
  const boxWidth = Math.min(width, 100);
  // Long descriptions wrap under themselves (keys column left blank), nothing is cut.
  const lines = useMemo(() => {
    const sections = helpSections({ ascii: theme.ascii }).map((s) => ({ title: s.title, rows: s.rows.map((r) => ({ ...r, why: disabled[r.id] })) }));
    return helpLines(sections, boxWidth - 4);
  }, [theme.ascii, disabled, boxWidth]);
  const body = Math.max(3, height - 4);
  const [scrolled, setTop] = useState(0);
  const maxTop = Math.max(0, lines.length - body);
  // A resize can make the lines fewer: the window stays within them.
  const top = Math.min(scrolled, maxTop);
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
  return (
    <Box flexDirection="column" borderStyle={theme.border.style} borderColor={theme.text.accent} paddingX={1} width={boxWidth} height={Math.min(height, body + 3)}>
      <Text bold color={theme.text.title} wrap="truncate-end">
        Keys <Text color={theme.text.muted} bold={false}>{`  (${top + 1}-${Math.min(lines.length, top + body)} of ${lines.length}; ${theme.ascii ? 'Up/Down' : '↑↓'} PgUp/PgDn g/G scroll, Esc closes)`}</Text>
      </Text>
      {lines.slice(top, top + body).map((l, i) =>
        l.title ? (
          <Text key={i} bold color={theme.text.accent}>
            {l.text}
          </Text>
        ) : (
          <Text key={i}>
            <Text color={theme.text.accent}>{`  ${l.keys ?? ''}`}</Text>
            <Text color={l.disabled ? theme.text.muted : undefined}>{l.text || ' '}</Text>
          </Text>
      ),
      )}
    </Box>
  );
}

export interface HelpLine {
  text: string;
  /** The keys column, padded (blank on a description's continuation lines). */
  keys?: string;
  title?: boolean;
  disabled?: boolean;
}

/**
 * The help as lines of at most `width` cells: a title per section, then per binding its keys and its
 * description, wrapped under the description column; a binding disabled on the screen says why.
 */
export function helpLines(sections: readonly (Omit<HelpSection, 'rows'> & { rows: (HelpSection['rows'][number] & { why?: string | undefined })[] })[], width: number): HelpLine[] {
  const widest = Math.max(0, ...sections.flatMap((s) => s.rows.map((r) => displayWidth(r.keys))));
  // Two cells in, the keys, two spaces; at most 22 cells (wider keys get a line of their own).
  const keyWidth = Math.min(22, widest + 2);
  const textWidth = Math.max(10, width - 2 - keyWidth);
  const out: HelpLine[] = [];
  for (const s of sections) {
    out.push({ text: s.title, title: true });
    for (const r of s.rows) {
      const text = r.why ? `${r.description} (not now: ${r.why})` : r.description;
      const wrapped = wrapText(text, textWidth);
      const mark = r.why ? { disabled: true } : {};
      if (displayWidth(r.keys) > keyWidth - 1) out.push({ keys: r.keys, text: '', ...mark });
      wrapped.forEach((t, i) => out.push({ keys: i === 0 && displayWidth(r.keys) <= keyWidth - 1 ? fit(r.keys, keyWidth) : ' '.repeat(keyWidth), text: t, ...mark }));
    }
    out.push({ text: '' });
  }
  return out;
}
