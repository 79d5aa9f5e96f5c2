// The built app in tmux, resized as a person drags a window: width only (100 -> 80 columns, same rows), then
// wider, then shorter, on a list and over the help. Every frame must be drawn whole in its rows with nothing
// left behind, without Ctrl-L (before the fix, the 100-column frame wrapped on the 80-column terminal and
// its rows stayed above the new frame).
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness.js';
import { docker } from '../../world/index.js';
import { BIN, assertBuilt, session } from '../engine/helpers.js';

const SESSION = `stevedore-resize-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

const screen = (): string => tmux('capture-pane', '-p', '-t', SESSION);

async function until(what: string, check: (s: string) => boolean, timeoutMs = 20_000, describe?: (s: string) => string | null): Promise<string> {
  const start = Date.now();
  let last = '';
  while (Date.now() - start < timeoutMs) {
    last = screen();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${last}${describe ? `\n(${describe(last) ?? ''})` : ''}`);
}

/** What a whole frame of `columns` x `rows` looks like: title on top, the status line at the bottom, no row twice. */
function wholeFrame(text: string, columns: number, rows: number): string | null {
  const lines = text.split('\n').slice(0, rows);
  if (!/^stevedore {2}@/.test(lines[0] ?? '')) return 'the title is not on the first row';
  if (lines.filter((l) => /^stevedore {2}@/.test(l)).length !== 1) return 'the title is there more than once';
  // The app draws one line less than the terminal: the status line is on the last but one row.
  if (!/^engine /.test(lines[rows - 2] ?? '')) return 'the status line is not on the last but one row';
  if (lines.filter((l) => /^engine /.test(l)).length !== 1) return 'the status line is there more than once';
  const filled = lines.map((l) => l.trimEnd()).filter((l) => l.trim() && !/^[│|] +[│|]$/.test(l));
  const twice = filled.find((l, i) => filled.indexOf(l) !== i);
  if (twice) return `a row is there twice: ${twice}`;
  if (lines.some((l) => l.length > columns)) return 'a row is wider than the terminal';
  return null;
}

describeWorld('the TUI resized in a terminal', (world) => {
  const s = session(world);
  let pulledHere = false;

  beforeAll(async () => {
    assertBuilt();
    if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux is needed for the end-to-end TUI test (apt-get install tmux)');
    const alpine = world.seeded.alpine ?? 'alpine:3.19';
    if ((await docker(world, ['image', 'inspect', alpine])).code !== 0) {
      const pulled = await docker(world, ['pull', alpine]);
      if (pulled.code !== 0) throw new Error(pulled.stderr);
      pulledHere = true;
    }
    const env = Object.entries(s.env).flatMap(([k, v]) => (v === undefined ? [] : ['-e', `${k}=${v}`]));
    tmux('new-session', '-d', '-s', SESSION, '-x', '100', '-y', '30', ...env, `${process.execPath} ${BIN}; echo EXITED=$?; sleep 600`);
  });

  afterAll(async () => {
    spawnSync('tmux', ['kill-session', '-t', SESSION]);
    if (pulledHere) await docker(world, ['rmi', world.seeded.alpine ?? 'alpine:3.19']);
    rmSync(s.configDir, { recursive: true, force: true });
  });

  it('draws the whole frame after each resize, without Ctrl-L', async () => {
    await until('the Local list with its status line', (t) => t.includes('1 Local') && t.includes('alpine') && /^engine unix:/m.test(t) && t.includes('IMAGE ID'));
    const steps: { columns: number; rows: number; help?: boolean }[] = [
      { columns: 80, rows: 30 },
      { columns: 100, rows: 30 },
      { columns: 80, rows: 24 },
      { columns: 200, rows: 50 },
      { columns: 100, rows: 30, help: true },
      { columns: 80, rows: 30 },
      { columns: 100, rows: 30 },
    ];
    for (const step of steps) {
      if (step.help) {
        tmux('send-keys', '-t', SESSION, '?');
        await until('the help', (t) => t.includes('Keys') && t.includes('Anywhere'));
      }
      tmux('resize-window', '-t', SESSION, '-x', String(step.columns), '-y', String(step.rows));
      // A frame drawn over the rows of the old one stays so until Ctrl-L: waiting does not hide it.
      const shown = await until(`a whole frame at ${step.columns}x${step.rows}`, (t) => wholeFrame(t, step.columns, step.rows) === null, 10_000, (t) => wholeFrame(t, step.columns, step.rows));
      expect(shown.split('\n')[0]).toMatch(/^stevedore {2}@/);
    }
    tmux('send-keys', '-t', SESSION, 'Escape');
    await until('the help closed', (t) => !t.includes('Anywhere'));
    tmux('send-keys', '-t', SESSION, 'q');
    await until('the app to end', (t) => t.includes('EXITED=0'));
  });
});
