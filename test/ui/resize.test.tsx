// A terminal resize is handed to Ink only once the app has re-rendered for the new size (src/app/resizeGate):
// Ink draws at once what it has, so with the old tree it would draw a frame wider than the narrowed terminal.
import { Text } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ResizeGate, relayResize } from '../../src/app/resizeGate';
import { useTerminalSize } from '../../src/ui/hooks/useTerminalSize';
import { waitFor } from './render';

afterEach(() => cleanup());

function Width({ seen }: { seen: number[] }): React.JSX.Element {
  const { columns } = useTerminalSize();
  seen.push(columns);
  return <Text>{`width ${columns}`}</Text>;
}

function resizable(stdout: NodeJS.EventEmitter): (columns: number) => void {
  const size = { columns: 100, rows: 30 };
  Object.defineProperty(stdout, 'columns', { get: () => size.columns, configurable: true });
  Object.defineProperty(stdout, 'rows', { get: () => size.rows, configurable: true });
  return (columns) => {
    size.columns = columns;
    stdout.emit('resize');
  };
}

describe('a terminal resize', () => {
  it('reaches the renderer after the app has re-rendered for the new width, not before', async () => {
    const seen: number[] = [];
    const app = render(<></>);
    const resize = resizable(app.stdout);
    // Stands for Ink's own listener (added by `render` on a real terminal): it records the width the app had drawn.
    const before = new Set(app.stdout.listeners('resize'));
    const drawnAt: number[] = [];
    app.stdout.on('resize', () => drawnAt.push(seen[seen.length - 1] ?? 0));
    const relay = relayResize(app.stdout, before, 5_000);
    app.rerender(
      <ResizeGate onResized={() => relay.resized()}>
        <Width seen={seen} />
      </ResizeGate>,
    );
    await waitFor(() => app.lastFrame() === 'width 100', () => `the first frame; got ${app.lastFrame()}`);
    resize(80);
    // Not in the same turn as the event: the app has not re-rendered yet.
    expect(drawnAt).toEqual([]);
    await waitFor(() => drawnAt.length === 1, () => 'the renderer to be told');
    expect(drawnAt).toEqual([80]);
    expect(app.lastFrame()).toBe('width 80');
    relay.release();
  });

  it('takes only the renderer listener when the app mounts in the same render: the listeners of the app stay on the stream', async () => {
    // src/app/tui.tsx renders the app at once: Ink adds its listener in its constructor, then the app's
    // useTerminalSize listeners are added as the tree mounts, all before relayResize runs.
    const seen: number[] = [];
    const app = render(<></>);
    const resize = resizable(app.stdout);
    const before = new Set(app.stdout.listeners('resize'));
    const drawnAt: number[] = [];
    app.stdout.on('resize', () => drawnAt.push(seen[seen.length - 1] ?? 0));
    const gate: { relay?: ReturnType<typeof relayResize> } = {};
    app.rerender(
      <ResizeGate onResized={() => gate.relay?.resized()}>
        <Width seen={seen} />
      </ResizeGate>,
    );
    await waitFor(() => app.stdout.listeners('resize').length === before.size + 3, () => 'the listeners of the app to be added');
    const relay = relayResize(app.stdout, before, 60_000);
    gate.relay = relay;
    expect(app.stdout.listeners('resize').length).toBe(before.size + 3);
    resize(80);
    // Told in the commit that lays the app out for 80 columns, long before the deadline.
    await waitFor(() => drawnAt.length === 1, () => 'the renderer to be told', 5_000);
    expect(drawnAt).toEqual([80]);
    expect(app.lastFrame()).toBe('width 80');
    relay.release();
  });

  it('reaches the renderer after a deadline when the app does not re-render (the size did not change)', async () => {
    const app = render(<Text>still</Text>);
    resizable(app.stdout);
    const before = new Set(app.stdout.listeners('resize'));
    let told = 0;
    app.stdout.on('resize', () => told++);
    const relay = relayResize(app.stdout, before, 20);
    app.stdout.emit('resize');
    expect(told).toBe(0);
    await waitFor(() => told === 1, () => 'the renderer to be told after the deadline');
    // The app re-renders after all (a busy machine): the renderer is told again, once.
    relay.resized();
    relay.resized();
    expect(told).toBe(2);
    relay.release();
    // Released: the listener is back on the stream as it was.
    app.stdout.emit('resize');
    expect(told).toBe(3);
  });
});
