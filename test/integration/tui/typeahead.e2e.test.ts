// Keys typed ahead, for real (DESIGN.md "Keyboard over SSH"): the built app in a tmux pseudo-terminal
// against the test world, each burst written to the terminal at once (`tmux send-keys -l`, one write),
// as a laggy SSH link delivers them. Each burst must do what the same keys typed slowly do.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness.js';
import { MANY_TAGS, docker } from '../../world/index.js';
import { BIN, assertBuilt, run, session } from '../engine/helpers.js';

const SESSION = `stevedore-keys-${process.pid}`;
const STDERR = join(tmpdir(), `${SESSION}.stderr`);
const PASTE = join(tmpdir(), `${SESSION}.paste`);

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

const screen = (): string => tmux('capture-pane', '-p', '-t', SESSION);
/** One write of these bytes to the terminal. */
const burst = (bytes: string): void => void tmux('send-keys', '-t', SESSION, '-l', bytes);
const key = (name: string): void => void tmux('send-keys', '-t', SESSION, name);

async function until(what: string, check: (s: string) => boolean, timeoutMs = 20_000): Promise<string> {
  const start = Date.now();
  let last = '';
  while (Date.now() - start < timeoutMs) {
    last = screen();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  const stderr = existsSync(STDERR) ? readFileSync(STDERR, 'utf8') : '';
  throw new Error(`timed out waiting for ${what}; the screen was:\n${screen()}\nthe app's stderr:\n${stderr}`);
}

/** Which depot is on show, told by its list's header (the active tab differs only in colour). */
function depot(t: string): string {
  const header = t.split('\n').find((l) => /^\s+NAME\S*\s/.test(l)) ?? '';
  if (/TAGS\s/.test(header)) return 'Local';
  if (/TITLE\s+GROUP/.test(header)) return 'Selected';
  if (/STARS/.test(header)) return 'Official';
  if (/LOCATION/.test(header)) return 'web';
  return t.includes('press / and type to search') ? 'Docker Hub' : '';
}

const selected = (s: string): string => s.split('\n').find((l) => l.includes('›')) ?? '';
const back = async (): Promise<void> => {
  key('Escape');
  await until('the depots', (t) => /^stevedore {2}(?:@\S+(?: \([^)]*\))? {2})?Depots\s*$/m.test(t) && !t.includes('Add a registry'));
};

describeWorld('type-ahead in a real terminal', (world) => {
  const s = session(world);
  const plain = world.registries.plain;

  beforeAll(async () => {
    assertBuilt();
    if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux is needed for the end-to-end TUI test (apt-get install tmux)');
    const added = await run(s, ['registry', 'add', 'web', '--url', plain.url, '--api', 'v2']);
    expect(added.code, added.stderr).toBe(0);
    // A lone Esc waits 200 ms here (the setting; 50 ms by default): each burst below is a separate tmux
    // process, and on a loaded machine starting one can take longer than 50 ms.
    const set = await run(s, ['config', 'set', 'keys.escape_ms', '200']);
    expect(set.code, set.stderr).toBe(0);
    const env = Object.entries(s.env).flatMap(([k, v]) => (v === undefined ? [] : ['-e', `${k}=${v}`]));
    tmux('new-session', '-d', '-s', SESSION, '-x', '100', '-y', '30', ...env, `${process.execPath} ${BIN} 2>${STDERR}; echo EXITED=$?; sleep 600`);
    await until('the depots', (t) => t.includes('1 Local') && t.includes('5 web'));
  });

  afterAll(async () => {
    spawnSync('tmux', ['kill-session', '-t', SESSION]);
    rmSync(s.configDir, { recursive: true, force: true });
    rmSync(STDERR, { force: true });
    rmSync(PASTE, { force: true });
    // The pull `3p` started goes on in the background worker: let it land, then remove the image.
    for (let i = 0; i < 150 && (await docker(world, ['image', 'inspect', 'alpine:latest'])).code !== 0; i++) await new Promise((r) => setTimeout(r, 200));
    await docker(world, ['rmi', '-f', 'alpine:latest']);
  });

  it('`5/alp⏎` in one write filters the private registry tab (tab 5)', async () => {
    burst('5/alp\r');
    await until('the kept filter on tab 5', (t) => depot(t) === 'web' && t.includes('filter: alp') && t.includes(`${plain.host}/team/alpha`) && !t.includes(`${plain.host}/team/beta`));
    key('Escape'); // clears nothing (the field is closed): the filter stays until `/` + Esc
    burst('/');
    await until('the field', (t) => /search alp/.test(t));
    key('Escape');
    await until('the filter cleared', (t) => t.includes(`${plain.host}/team/beta`));
  });

  it('`Tab Tab` in one write moves two depots; Esc then `2` at once is Esc, then depot 2', async () => {
    burst('1');
    await until('Local', (t) => depot(t) === 'Local');
    burst('\t\t');
    await until('Official', (t) => depot(t) === 'Official');
    burst('\u001b2');
    await until('Selected', (t) => depot(t) === 'Selected');
  });

  it('`\\e` then `[A` 30 ms later is Up, not Esc and two letters (keys.escape_ms 200)', async () => {
    burst('2');
    const first = await until('the Selected list', (t) => depot(t) === 'Selected' && selected(t) !== '');
    const top = first.split('\n').indexOf(selected(first));
    burst('jjj');
    const row = top + 3;
    await until('the fourth row', (t) => t.split('\n').indexOf(selected(t)) === row);
    burst('\u001b');
    await new Promise((r) => setTimeout(r, 30)); // the rest of the sequence comes later, as over a slow link
    burst('[A');
    const up = await until('one row up', (t) => t.split('\n').indexOf(selected(t)) === row - 1);
    expect(depot(up)).toBe('Selected');
    expect(up).not.toContain('[A');
  });

  it('`3p` in one write pulls from tab 3; `13⏎` opens the tags of the Official image', async () => {
    burst('1');
    await until('Local', (t) => depot(t) === 'Local');
    burst('3p');
    await until('the pull of the first Official image', (t) => /downloading alpine:latest/.test(t) || /queueing alpine:latest/.test(t));
    burst('13\r');
    await until('the tags of alpine', (t) => t.includes('Tags of alpine'));
    await back();
  });

  it(`500 × j in one write moves 500 rows (Tags of a ${MANY_TAGS}-tag repository)`, async () => {
    burst('5');
    await until('the registry catalog', (t) => t.includes(`${plain.host}/team/many`));
    burst('/many\r');
    await until('team/many', (t) => t.includes('filter: many') && selected(t).includes('team/many'));
    key('Enter');
    await until('its tags', (t) => t.includes(`Tags of ${plain.host}/team/many`) && /tag-0000/.test(t));
    burst('j'.repeat(500));
    await until('row 501', (t) => selected(t).includes('tag-0500') && t.includes(`501/${MANY_TAGS}`), 60_000);
    await back();
    burst('/');
    key('Escape');
  });

  it('an 8 KB bracketed paste goes into the registry form field, literally, as one paste', async () => {
    burst('R');
    await until('the registries', (t) => /^stevedore {2}(?:@\S+(?: \([^)]*\))? {2})?Registries/m.test(t));
    burst('a');
    await until('the form', (t) => t.includes('Add a registry'));
    // qD would quit and open Downloads if read as keys; the newline would submit.
    writeFileSync(PASTE, `qD${'x'.repeat(8 * 1024)}\n`);
    tmux('load-buffer', '-b', SESSION, PASTE);
    tmux('paste-buffer', '-p', '-d', '-b', SESSION, '-t', SESSION);
    await until('the pasted text in the Name field', (t) => /Name +…x{40,}/.test(t));
    burst('\u0001'); // ctrl+a: the start of the field
    await until('its start', (t) => /Name +qDx{40,}/.test(t));
    expect(screen()).toContain('Add a registry');
    expect(screen()).not.toContain('EXITED');
    key('Escape');
    await until('the form closed', (t) => !t.includes('Add a registry'));
    key('Escape');
  });

  it('quits with q', async () => {
    await until('the depots', (t) => /^stevedore {2}(?:@\S+(?: \([^)]*\))? {2})?Depots\s*$/m.test(t));
    burst('q');
    await until('the app to end', (t) => t.includes('EXITED=0'));
  });

  it('switches bracketed paste on while it runs and off when it quits (raw terminal bytes)', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn('script', ['-qfec', `stty cols 100 rows 30; exec ${process.execPath} ${BIN}`, '/dev/null'], { env: s.env, stdio: ['pipe', 'pipe', 'pipe'] });
      let bytes = '';
      const timer = setTimeout(() => {
        p.kill('SIGKILL');
        reject(new Error(`the app did not quit; it wrote:\n${JSON.stringify(bytes.slice(-2000))}`));
      }, 30_000);
      p.stdout.on('data', (d: Buffer) => {
        bytes += d.toString();
        if (bytes.includes('Depots') && !bytes.includes('\u0000sent')) {
          bytes += '\u0000sent';
          p.stdin.write('q');
        }
      });
      p.on('exit', () => {
        clearTimeout(timer);
        resolve(bytes);
      });
    });
    const on = out.indexOf('\u001b[?2004h');
    expect(on).toBeGreaterThanOrEqual(0);
    expect(out.lastIndexOf('\u001b[?2004l')).toBeGreaterThan(on);
  });
});
