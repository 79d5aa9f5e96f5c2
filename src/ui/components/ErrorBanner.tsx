import { Box, Text } from 'ink';
import React from 'react';
import { displayWidth, truncate } from '../../domain/text';
import type { Theme } from '../theme/theme';

export interface BannerMessage {
  kind: 'error' | 'warning' | 'info' | 'success';
  text: string;
}

/** The banner's text does not fit its line: `e` opens it whole. */
export function bannerIsCut(message: BannerMessage | null, width: number): boolean {
  return message !== null && displayWidth(`x ${message.text}`) > width;
}

/** One line: what happened and what to do next (typed errors carry both); `e` opens a cut one whole. */
export function ErrorBanner({ message, theme, width }: { message: BannerMessage | null; theme: Theme; width: number }): React.JSX.Element | null {
  if (!message) return null;
  const color = { error: theme.status.error, warning: theme.status.warning, info: theme.status.info, success: theme.status.success }[message.kind];
  const prefix = { error: theme.glyph.cross, warning: '!', info: 'i', success: theme.glyph.check }[message.kind];
  const more = '  e: whole';
  const text = bannerIsCut(message, width) ? `${truncate(`${prefix} ${message.text}`, width - more.length, theme.glyph.ellipsis)}${more}` : `${prefix} ${message.text}`;
  return (
    <Box width={width}>
      <Text color={color} bold={message.kind === 'error'} wrap="truncate-end">
        {truncate(text, width, theme.glyph.ellipsis)}
      </Text>
    </Box>
  );
}

/** The whole message, wrapped, over the screen (e opens it, Esc or e closes it). */
export function MessagePane({ message, theme, width, height }: { message: BannerMessage; theme: Theme; width: number; height: number }): React.JSX.Element {
  const color = { error: theme.status.error, warning: theme.status.warning, info: theme.status.info, success: theme.status.success }[message.kind];
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle={theme.border.style} borderColor={theme.border.color} paddingX={1}>
      <Text bold color={color}>
        {message.kind === 'error' ? 'Error' : message.kind === 'warning' ? 'Warning' : 'Message'}
      </Text>
      <Text color={color} wrap="wrap">
        {message.text}
      </Text>
      <Text color={theme.text.muted}>Esc closes</Text>
    </Box>
  );
}
