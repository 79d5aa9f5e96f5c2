// Text wrapped at spaces to a known width, one <Text> per line: a continuation line starts at the text's own
// indent (Ink's `wrap` keeps the space it broke at, so its continuation lines start one cell off).
import { Box, Text } from 'ink';
import React from 'react';
import { wrapText } from '../../domain/prose';

export function Wrapped({ text, width, color, hang = 0 }: { text: string; width: number; color?: string | undefined; hang?: number }): React.JSX.Element {
  return (
    <Box flexDirection="column">
      {wrapText(text, width, hang).map((line, i) => (
        <Text key={i} color={color}>
          {line || ' '}
        </Text>
      ))}
    </Box>
  );
}
