// The app's own list (DESIGN.md: lists are virtualised): renders only the `height` rows of the
// window, so 2,000+ rows cost the same as 20. Rows are single lines, laid out by the caller.
import { Box, Text } from 'ink';
import React from 'react';
import { fit } from '../../domain/text';
import type { Theme } from '../theme/theme';
import { Wrapped } from './Wrapped';

export interface VirtualListProps {
  count: number;
  selected: number;
  offset: number;
  height: number;
  width: number;
  theme: Theme;
  /** The row's text (already fitted to `width - 2`). */
  row: (index: number) => string;
  /** Optional per-row colour (e.g. muted for dangling images). */
  rowColor?: (index: number) => string | undefined;
  header?: string;
  empty?: string;
  /** Colour of the empty text (an error says why the list is empty). */
  emptyColor?: string | undefined;
  focused?: boolean;
}

export function VirtualList(props: VirtualListProps): React.JSX.Element {
  const { count, selected, height, width, theme, row, rowColor, header, empty, emptyColor, focused = true } = props;
  // The selected row is always on show, also when the caller gave the list fewer rows than its cursor pages by.
  const offset = Math.max(0, Math.min(props.offset, selected), selected - height + 1);
  const lines: React.ReactNode[] = [];
  const end = Math.min(count, offset + height);
  for (let i = offset; i < end; i++) {
    const isSel = i === selected;
    const text = `${isSel ? theme.glyph.pointer : ' '} ${row(i)}`;
    lines.push(
      <Text
        key={i}
        wrap="truncate-end"
        color={isSel && focused ? theme.selection.foreground : rowColor?.(i)}
        backgroundColor={isSel && focused ? theme.selection.background : undefined}
        inverse={isSel && focused && theme.selection.inverse}
        bold={isSel}
      >
        {fit(text, width, 'left', theme.glyph.ellipsis)}
      </Text>,
    );
  }
  return (
    <Box flexDirection="column" width={width}>
      {header !== undefined && (
        <Text color={theme.text.muted} wrap="truncate-end">
          {`  ${header}`}
        </Text>
      )}
      {count === 0 ? (
        // Wrapped in line with the rows (an error that says why the list is empty can be long).
        <Box paddingLeft={2}>
          <Wrapped text={empty ?? 'nothing here'} width={width - 2} color={emptyColor ?? theme.text.muted} />
        </Box>
      ) : (
        lines
      )}
      {count > height && (
        <Text color={theme.text.muted}>{`  ${offset > 0 ? theme.glyph.arrowUp : ' '} ${selected + 1}/${count} ${end < count ? theme.glyph.arrowDown : ' '}`}</Text>
      )}
    </Box>
  );
}
