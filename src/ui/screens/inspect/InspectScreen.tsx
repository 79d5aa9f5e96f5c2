// The Inspect screen: summary, config and layers of a local image (engine JSON) or a remote one
// (without pulling), scrollable.
import { Box, Text } from 'ink';
import React from 'react';
import { Wrapped } from '../../components/Wrapped';
import { truncate } from '../../../domain/text';
import { type UiServices, errorText } from '../../services';
import type { Theme } from '../../theme/theme';
import type { InspectTarget } from './target';
import { type InspectActions, useInspectScreen } from './useInspectScreen';

export interface InspectScreenProps {
  services: UiServices;
  theme: Theme;
  width: number;
  height: number;
  target: InspectTarget;
  active: boolean;
  actions: InspectActions;
}

export function InspectScreen({ services, theme, width, height, target, active, actions }: InspectScreenProps): React.JSX.Element {
  const keyWidth = 12;
  const bodyHeight = Math.max(1, height - 2);
  const { query, lines, top } = useInspectScreen({ services, target, active, textWidth: width - keyWidth - 2, bodyHeight, ascii: theme.ascii, actions });

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        <Text bold color={theme.text.title}>
          {target.title}
        </Text>
        <Text color={theme.text.muted}>{target.kind === 'remote' ? (target.installed ? '  remote (also on this engine)' : '  remote, not pulled') : '  local'}</Text>
        {target.kind === 'remote' && target.platform ? <Text color={theme.text.muted}>{`  ${target.platform}`}</Text> : null}
      </Text>
      {query.error !== undefined ? (
        <Wrapped text={errorText(query.error)} width={width} color={theme.status.error} />
      ) : !query.data ? (
        <Text color={theme.text.muted}>{query.loading ? `loading${theme.glyph.ellipsis}` : ' '}</Text>
      ) : (
        lines.slice(top, top + bodyHeight).map((line, i) => (
          <Text key={top + i} wrap="truncate-end" bold={line.tone === 'title'} color={line.tone === 'title' ? theme.text.accent : undefined}>
            {line.key !== undefined ? <Text color={theme.text.muted}>{`  ${line.key.padEnd(keyWidth)}`}</Text> : null}
            {/* An empty Text takes no row: a blank line between sections is a space. */}
            {truncate(line.text, Math.max(1, width - (line.key !== undefined ? keyWidth + 2 : 0)), theme.glyph.ellipsis) || ' '}
          </Text>
        ))
      )}
      {lines.length > bodyHeight ? (
        <Text color={theme.text.muted}>{`  ${top + 1}-${Math.min(lines.length, top + bodyHeight)} of ${lines.length} lines`}</Text>
      ) : null}
    </Box>
  );
}
