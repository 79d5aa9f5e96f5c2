// The comparison for the TUI's first frame, RSS and idle CPU: the smallest Ink app, rendered with the
// same options as src/app/tui.tsx (alternate screen, incremental rendering, 20 fps), waiting for `q`.
// hello.jsx runs it as a bundle (as dist/cli.js runs the app); sea-entry.mjs as a single file with a startup
// snapshot that holds Ink (as dist/bin/stevedore-linux-x64 runs it).
import { render, Text, useApp, useInput } from 'ink';
import React from 'react';

function Hello() {
  const { exit } = useApp();
  useInput((input) => {
    if (input === 'q') exit();
  });
  return <Text>hello from ink</Text>;
}

export async function main() {
  process.stdout.write('\u001b[?1049h\u001b[H');
  const instance = render(<Hello />, { exitOnCtrlC: false, patchConsole: true, incrementalRendering: true, maxFps: 20 });
  await instance.waitUntilExit();
  process.stdout.write('\u001b[?25h\u001b[?1049l');
}
