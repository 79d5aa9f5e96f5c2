import { Box, Text } from 'ink';
import React from 'react';
import { fieldWindow, truncate } from '../../domain/text';
import type { Theme } from '../theme/theme';
import { Wrapped } from './Wrapped';

/** The label column of every form (registry, engine, saved repository): their values start in one column. */
export const FORM_LABEL_WIDTH = 12;

export interface TextFieldProps {
  label: string;
  value: string;
  /** Cursor position (from useTextInput); shown when focused. */
  cursor?: number;
  focused: boolean;
  theme: Theme;
  placeholder?: string;
  /** Shows each character as this one (passwords). */
  mask?: string;
  labelWidth?: number;
  error?: string | undefined;
  /** The field's width in cells (label included): an error under it wraps to it. */
  width?: number;
}

/**
 * A labelled one-line field. Its keys come from the owner's typing layer (useTextInput). A value
 * longer than the line scrolls: the part around the cursor is shown, on one line, cut with the theme's
 * ellipsis (`...` under LANG=C) when the field knows its width.
 */
export function TextField({ label, value, cursor = value.length, focused, theme, placeholder, mask, labelWidth = 0, error, width }: TextFieldProps): React.JSX.Element {
  const shown = mask ? mask.repeat(value.length) : value;
  const at = Math.max(0, Math.min(cursor, shown.length));
  // Cells for the value: the field's width less the pointer, the label and two spaces.
  const room = width ? Math.max(4, width - labelWidth - 3) : null;
  const ellipsis = theme.glyph.ellipsis;
  const cut = (text: string) => (room === null ? text : truncate(text, room, ellipsis));
  return (
    <Box flexDirection="column">
      <Box>
        <Box flexShrink={0}>
          <Text color={focused ? theme.text.accent : theme.text.muted} bold={focused}>
            {`${focused ? theme.glyph.pointer : ' '} ${label.padEnd(labelWidth)} `}
          </Text>
        </Box>
        {shown.length === 0 && !focused ? (
          <Text color={theme.text.muted} wrap="truncate-end">
            {cut(placeholder ?? '')}
          </Text>
        ) : focused ? (
          // Too long for the line: cut on the side away from the cursor, so the cursor stays in view.
          shown.length === 0 && placeholder ? (
            // Empty: the placeholder starts under the cursor, where the value will (in line with the other fields).
            <Text wrap="truncate-end" color={theme.text.muted}>
              <Text inverse>{[...placeholder][0] ?? ' '}</Text>
              {room === null ? [...placeholder].slice(1).join('') : truncate([...placeholder].slice(1).join(''), room - 1, ellipsis)}
            </Text>
          ) : room !== null ? (
            <FieldValue {...fieldWindow(shown, at, room, ellipsis)} />
          ) : (
            <Text wrap={at > shown.length / 2 ? 'truncate-start' : 'truncate-end'}>
              {shown.slice(0, at)}
              <Text inverse>{shown[at] ?? ' '}</Text>
              {shown.slice(at + 1)}
            </Text>
          )
        ) : (
          <Text wrap="truncate-end">{cut(shown)}</Text>
        )}
      </Box>
      {error ? (
        // Under the value, wrapped in line with it.
        <Box marginLeft={labelWidth + 3}>
          {width ? (
            <Wrapped text={error} width={width - labelWidth - 3} color={theme.status.error} />
          ) : (
            <Text color={theme.status.error} wrap="wrap">
              {error}
            </Text>
          )}
        </Box>
      ) : null}
    </Box>
  );
}

function FieldValue({ lead, before, cursor, after, tail }: ReturnType<typeof fieldWindow>): React.JSX.Element {
  return (
    <Text wrap="truncate-end">
      {lead}
      {before}
      <Text inverse>{cursor}</Text>
      {after}
      {tail}
    </Text>
  );
}
