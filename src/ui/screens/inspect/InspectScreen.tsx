// The Inspect screen: summary, config and layers of a local image (engine JSON) or a remote one
// (without pulling), scrollable.
import { Box, Text } from 'ink';
import React, { useMemo, useState } from 'react';
import type { BannerMessage } from '../../components/ErrorBanner';
import { Wrapped } from '../../components/Wrapped';
import { asciiText } from '../../../domain/prose';
import { truncate } from '../../../domain/text';
import { PRIORITY, useCommands } from '../../hooks/inputRouter';
import type { CommandId } from '../../keys/bindings';
import { useQuery } from '../../hooks/useQuery';
import { type UiServices, errorText } from '../../services';
import type { Theme } from '../../theme/theme';
import { type Line, localInspectLines, remoteInspectLines, wrapLines } from './presentation';
import type { InspectTarget } from './target';

export interface InspectScreenProps {
  services: UiServices;
  theme: Theme;
  width: number;
  height: number;
  target: InspectTarget;
  active: boolean;
  actions: { pull(ref: string, registry: string | undefined, platform: string | undefined): void; banner(message: BannerMessage | null): void };
}

export function InspectScreen({ services, theme, width, height, target, active, actions }: InspectScreenProps): React.JSX.Element {
  const key = target.kind === 'local' ? `local|${target.ref}` : `remote|${target.registry ?? ''}|${target.ref}|${target.platform ?? ''}`;
  const query = useQuery<Line[]>(key, async (signal) =>
    target.kind === 'local'
      ? localInspectLines(await services.local.inspect(target.ref, signal), target.usedBy)
      : remoteInspectLines(
          await services.remote.inspect(target.ref, { ...(target.registry ? { registry: target.registry } : {}), ...(target.platform ? { platform: target.platform } : {}) }, signal),
        ),
  );
  const keyWidth = 12;
  // Whole values: long digests and labels wrap under their key instead of being cut. In ASCII on a terminal
  // that is not UTF-8 (a label's `é` as `e`).
  const lines = useMemo(() => wrapLines((query.data ?? []).map((l) => (theme.ascii ? { ...l, text: asciiText(l.text) } : l)), width - keyWidth - 2), [query.data, width, theme.ascii]);
  const [top, setTop] = useState(0);
  const bodyHeight = Math.max(1, height - 2);
  const maxTop = Math.max(0, lines.length - bodyHeight);

  useCommands(
    ['inspect'],
    (command) => {
      // Functional updates: a burst of the same key composes (see `repeat` in the key table).
      const moves: Partial<Record<CommandId, (t: number) => number>> = {
        'inspect.up': (t) => t - 1,
        'inspect.down': (t) => t + 1,
        'inspect.pageUp': (t) => t - bodyHeight + 1,
        'inspect.pageDown': (t) => t + bodyHeight - 1,
        'inspect.top': () => 0,
        'inspect.bottom': () => maxTop,
      };
      const move = moves[command];
      if (move) {
        setTop((t) => Math.max(0, Math.min(maxTop, move(t))));
        return true;
      }
      if (command === 'inspect.pull') {
        if (target.kind === 'remote') actions.pull(target.ref, target.registry, target.platform);
        else actions.pull(target.ref, undefined, undefined);
        return true;
      }
      return false;
    },
    { priority: PRIORITY.screen, active },
  );

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
