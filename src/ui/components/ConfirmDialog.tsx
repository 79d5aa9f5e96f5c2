import { Box, Text } from 'ink';
import React from 'react';
import { PRIORITY, useCommands } from '../hooks/inputRouter';
import type { Theme } from '../theme/theme';

export interface ConfirmDialogProps {
  title: string;
  lines?: string[];
  /** Offer `f` (force) as a third answer. */
  force?: boolean;
  theme: Theme;
  width: number;
  onAnswer: (answer: 'yes' | 'no' | 'force') => void;
}

/** A modal question; it takes keys first (y/Enter, n/Esc, and f when force is offered). */
export function ConfirmDialog({ title, lines = [], force = false, theme, width, onAnswer }: ConfirmDialogProps): React.JSX.Element {
  useCommands(
    ['confirm'],
    (command) => {
      if (command === 'confirm.yes') onAnswer('yes');
      else if (command === 'confirm.no') onAnswer('no');
      else if (command === 'confirm.force' && force) onAnswer('force');
      else return false;
      return true;
    },
    { priority: PRIORITY.dialog, modal: true, ...(force ? {} : { commands: ['confirm.yes', 'confirm.no'] as const }) },
  );
  const w = Math.min(width, Math.max(40, title.length + 6, ...lines.map((l) => l.length + 4)));
  return (
    <Box flexDirection="column" borderStyle={theme.border.style} borderColor={theme.status.warning} paddingX={1} width={w}>
      <Text bold wrap="truncate-end">
        {title}
      </Text>
      {lines.map((line, i) => (
        <Text key={i} color={theme.text.muted} wrap="truncate-end">
          {line}
        </Text>
      ))}
      <Text>
        <Text color={theme.text.accent} bold>
          y
        </Text>
        <Text> yes  </Text>
        <Text color={theme.text.accent} bold>
          n
        </Text>
        <Text> no</Text>
        {force ? (
          <>
            <Text>  </Text>
            <Text color={theme.status.warning} bold>
              f
            </Text>
            <Text> force</Text>
          </>
        ) : null}
      </Text>
    </Box>
  );
}
