import { Box, Text } from 'ink';
import React from 'react';
import { truncate } from '../../domain/text';
import type { Theme } from '../theme/theme';

export interface BannerMessage {
  kind: 'error' | 'warning' | 'info' | 'success';
  text: string;
}

/** One line: what happened and what to do next (typed errors carry both). */
export function ErrorBanner({ message, theme, width }: { message: BannerMessage | null; theme: Theme; width: number }): React.JSX.Element | null {
  if (!message) return null;
  const color = { error: theme.status.error, warning: theme.status.warning, info: theme.status.info, success: theme.status.success }[message.kind];
  const prefix = { error: theme.glyph.cross, warning: '!', info: 'i', success: theme.glyph.check }[message.kind];
  return (
    <Box width={width}>
      <Text color={color} bold={message.kind === 'error'} wrap="truncate-end">
        {truncate(`${prefix} ${message.text}`, width, theme.glyph.ellipsis)}
      </Text>
    </Box>
  );
}
