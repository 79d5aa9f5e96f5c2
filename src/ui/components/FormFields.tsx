import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import React from 'react';
import { PRIORITY, useCommands } from '../hooks/inputRouter';
import type { Theme } from '../theme/theme';

/** A yes/no switch inside a form (space toggles it). */
export function ToggleField({ label, value, focused, theme, labelWidth, hint }: { label: string; value: boolean; focused: boolean; theme: Theme; labelWidth: number; hint?: string }): React.JSX.Element {
  return (
    <Box>
      <Text color={focused ? theme.text.accent : theme.text.muted} bold={focused}>{`${focused ? theme.glyph.pointer : ' '} ${label.padEnd(labelWidth)} `}</Text>
      <Text color={value ? theme.status.success : undefined}>{value ? '[x] yes' : '[ ] no'}</Text>
      {focused && hint ? <Text color={theme.text.muted}>{`  ${hint}`}</Text> : null}
    </Box>
  );
}

export interface Choice<V extends string> {
  label: string;
  value: V;
}

/**
 * A choice inside a form: shows the current value; space or enter opens a small menu
 * (ink-select-input) that takes the keys until a value is picked or Esc closes it.
 */
export function SelectField<V extends string>(props: {
  label: string;
  value: V;
  choices: Choice<V>[];
  focused: boolean;
  open: boolean;
  theme: Theme;
  labelWidth: number;
  onPick: (value: V) => void;
  onClose: () => void;
}): React.JSX.Element {
  const { label, value, choices, focused, open, theme, labelWidth, onPick, onClose } = props;
  useCommands(['form'], (command) => (command === 'form.cancel' ? (onClose(), true) : true), { priority: PRIORITY.field, active: open, modal: true, typing: true });
  const current = choices.find((c) => c.value === value)?.label ?? value;
  return (
    <Box flexDirection="column">
      <Box>
        <Text color={focused ? theme.text.accent : theme.text.muted} bold={focused}>{`${focused ? theme.glyph.pointer : ' '} ${label.padEnd(labelWidth)} `}</Text>
        <Text>{current}</Text>
        {focused && !open ? <Text color={theme.text.muted}>{'  (space to change)'}</Text> : null}
      </Box>
      {open ? (
        <Box marginLeft={labelWidth + 3}>
          <SelectInput
            items={choices.map((c) => ({ label: c.label, value: c.value, key: c.value }))}
            initialIndex={Math.max(0, choices.findIndex((c) => c.value === value))}
            onSelect={(item) => onPick(item.value)}
          />
        </Box>
      ) : null}
    </Box>
  );
}
