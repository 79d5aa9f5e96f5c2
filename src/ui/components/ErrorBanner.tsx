import { Box, Text } from 'ink';
import React from 'react';
import { asciiText, wrapText } from '../../domain/prose';
import { displayWidth, truncate } from '../../domain/text';
import type { Theme } from '../theme/theme';

export interface BannerMessage {
  kind: 'error' | 'warning' | 'info' | 'success';
  text: string;
}

/** The banner's text does not fit its line (or has more than one): `e` opens it whole. */
export function bannerIsCut(message: BannerMessage | null, width: number): boolean {
  return message !== null && (message.text.includes('\n') || displayWidth(`x ${message.text}`) > width);
}

/** One line: what happened and what to do next (typed errors carry both); `e` opens a cut one whole. */
export function ErrorBanner({ message, theme, width }: { message: BannerMessage | null; theme: Theme; width: number }): React.JSX.Element | null {
  if (!message) return null;
  const color = { error: theme.status.error, warning: theme.status.warning, info: theme.status.info, success: theme.status.success }[message.kind];
  const prefix = { error: theme.glyph.cross, warning: '!', info: 'i', success: theme.glyph.check }[message.kind];
  const more = '  e: whole';
  // One line: the first of the message (the rest is in the pane).
  const first = (theme.ascii ? asciiText(message.text) : message.text).split('\n')[0] ?? '';
  const text = bannerIsCut(message, width) ? `${truncate(`${prefix} ${first}`, width - more.length, theme.glyph.ellipsis)}${more}` : `${prefix} ${first}`;
  return (
    <Box width={width}>
      <Text color={color} bold={message.kind === 'error'} wrap="truncate-end">
        {truncate(text, width, theme.glyph.ellipsis)}
      </Text>
    </Box>
  );
}

/**
 * The whole message over the screen (e opens it, Esc or e closes it), wrapped at spaces: a line of the message
 * that is indented (a hint under it) keeps its indent on its continuation lines.
 */
export function MessagePane({ message, theme, width, height }: { message: BannerMessage; theme: Theme; width: number; height: number }): React.JSX.Element {
  const color = { error: theme.status.error, warning: theme.status.warning, info: theme.status.info, success: theme.status.success }[message.kind];
  // Inside the border and its padding; title, blank line, blank line and "Esc closes" around the text.
  const lines = messageLines(theme.ascii ? asciiText(message.text) : message.text, width - 4, Math.max(1, height - 6), theme.glyph.ellipsis);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle={theme.border.style} borderColor={theme.border.color} paddingX={1}>
      <Text bold color={color}>
        {message.kind === 'error' ? 'Error' : message.kind === 'warning' ? 'Warning' : 'Message'}
      </Text>
      <Text> </Text>
      {lines.map((line, i) => (
        <Text key={i} color={color}>
          {line || ' '}
        </Text>
      ))}
      <Text> </Text>
      <Text color={theme.text.muted}>Esc closes</Text>
    </Box>
  );
}

/** The message wrapped to `width`, at most `rows` lines (the last one says how many more there are). */
export function messageLines(text: string, width: number, rows: number, ellipsis = '…'): string[] {
  const lines = wrapText(text, width);
  if (lines.length <= rows) return lines;
  const shown = lines.slice(0, Math.max(0, rows - 1));
  return [...shown, `${ellipsis} ${lines.length - shown.length} more lines`];
}
