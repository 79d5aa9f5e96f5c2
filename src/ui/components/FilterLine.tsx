// The line under a list's title: the `/` filter field while it is open, else the kept filter with how
// many rows match, else nothing (one blank line, so the list does not jump).
import { Box, Text } from 'ink';
import React from 'react';
import type { Theme } from '../theme/theme';
import { TextField } from './TextField';

export function FilterLine(props: { field: { editing: boolean; cursor: number }; filter: string; shown: number; total: number; theme: Theme; extra?: string }): React.JSX.Element {
  const { field, filter, shown, total, theme, extra = '' } = props;
  return (
    <Box height={1}>
      {field.editing ? (
        <TextField label="filter" value={filter} cursor={field.cursor} focused theme={theme} placeholder="text" />
      ) : (
        <Text color={theme.text.muted} wrap="truncate-end">
          {filter ? `  filter: ${filter}  (${shown} of ${total})${extra}` : extra || ' '}
        </Text>
      )}
    </Box>
  );
}
