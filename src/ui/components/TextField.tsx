import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';
import React from 'react';
import type { Theme } from '../theme/theme';

export interface TextFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  focused: boolean;
  theme: Theme;
  placeholder?: string;
  /** Shows the value as this character (passwords). */
  mask?: string;
  labelWidth?: number;
  error?: string | undefined;
}

/** A labelled one-line input (ink-text-input). Enter/Esc/Tab are handled by the owner's key layer. */
export function TextField({ label, value, onChange, focused, theme, placeholder, mask, labelWidth = 0, error }: TextFieldProps): React.JSX.Element {
  return (
    <Box flexDirection="column">
      <Box>
        <Text color={focused ? theme.text.accent : theme.text.muted} bold={focused}>
          {`${focused ? theme.glyph.pointer : ' '} ${label.padEnd(labelWidth)} `}
        </Text>
        <TextInput value={value} onChange={onChange} focus={focused} placeholder={placeholder ?? ''} {...(mask ? { mask } : {})} showCursor />
      </Box>
      {error ? (
        <Text color={theme.status.error}>{`  ${' '.repeat(labelWidth)} ${error}`}</Text>
      ) : null}
    </Box>
  );
}
