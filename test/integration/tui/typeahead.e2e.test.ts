// Keys typed ahead, for real (DESIGN.md "Keyboard over SSH"): the built app in a tmux pseudo-terminal
// against the test world, each burst written to the terminal at once (`tmux send-keys -l`, one write),
// as a laggy SSH link delivers them. Each burst must do what the same keys typed slowly do.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness.js';
import { MANY_TAGS, docker } from '../../world/index.js';
import { BIN, assertBuilt, run, session } from '../engine/helpers.js';
import { type Terminal, openTerminal, withTrace } from './terminal.js';

const PASTE = join(tmpdir(), `stevedore-keys-${process.pid}.paste`);

/** Which depot is on show, told by its list's header (the active tab differs only in colour). */
function depot(t: string): string {
  const header = t.split('\n').find((l) => /^\s+NAME\S*\s/.test(l)) ?? '';
  if (/TAGS\s/.test(header)) return 'Local';
  // Selected: TITLE and GROUP give way to the description on a narrow terminal; TYPE and DESCRIPTION stay.
  if (/\sTYPE\s+DESCRIPTION/.test(header)) return 'Selected';
  if (/STARS/.test(header)) return 'Official';
  if (/LOCATION/.test(header)) return 'web';
  return t.includes('press / and type to search') ? 'Docker Hub' : '';
}

const selected = (s: string): string => s.split('\n').find((l) => l.includes('›')) ?? '';

describeWorld('type-ahead in a real terminal', (world) => {
  const s = session(world);
  const plain = world.registries.plain;
  let term: Terminal;
  // The terminal's methods, as the steps below read best.
  const burst = (bytes: string): void => term.burst(bytes);
  const key = (name: string): void => term.key(name);
  const screen = (): string => term.screen();
  const until = (what: string, check: (s: string) => boolean, timeoutMs?: number): Promise<string> => term.until(what, check, timeoutMs);
  /** Waits for the app to be idle after the keys sent, then checks the screen. */
  const settle = async (what: string, check: (s: string) => boolean): Promise<string> => {
    const t = await term.idle(what);
    expect(check(t), `${what}; the screen was:\n${t}`).toBe(true);
    return t;
  };
  const back = async (): Promise<void> => {
    key('Escape');
    const t = await term.idle('back on the depots');
    expect(t).toMatch(/^stevedore {2}(?:@\S+(?: \([^)]*\))? {2})?Depots\s*$/m);
    expect(t).not.toContain('Add a registry');
  };

  beforeAll(async () => {
    assertBuilt();
    if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux is needed for the end-to-end TUI test (apt-get install tmux)');
    const added = await run(s, ['registry', 'add', 'web', '--url', plain.url, '--api', 'v2']);
    expect(added.code, added.stderr).toBe(0);
    // A lone Esc waits 200 ms here (the setting; 50 ms by default): each burst below is a separate tmux
    // process, and on a loaded machine starting one can take longer than 50 ms.
    const set = await run(s, ['config', 'set', 'keys.escape_ms', '200']);
    expect(set.code, set.stderr).toBe(0);
    term = openTerminal('keys', s);
    await until('the depots', (t) => t.includes('1 Local') && t.includes('5 web'));
  });

  afterAll(async () => {
    term?.stop();
    rmSync(s.configDir, { recursive: true, force: true });
    rmSync(PASTE, { force: true });
    // The pull `3p` started goes on in the background worker: let it land, then remove the image.
    for (let i = 0; i < 150 && (await docker(world, ['image', 'inspect', 'alpine:latest'])).code !== 0; i++) await new Promise((r) => setTimeout(r, 200));
    await docker(world, ['rmi', '-f', 'alpine:latest']);
  });

  it('`5/alp⏎` in one write filters the private registry tab (tab 5)', () =>
    withTrace(term, async () => {
      burst('5/alp\r');
      await settle('the kept filter on tab 5', (t) => depot(t) === 'web' && t.includes('filter: alp') && t.includes(`${plain.host}/team/alpha`) && !t.includes(`${plain.host}/team/beta`));
      // The field is closed: Esc clears the kept filter (and goes back only when there is none).
      key('Escape');
      await settle('the filter cleared', (t) => t.includes(`${plain.host}/team/beta`) && !t.includes('filter: alp'));
    }));

  it('`Tab Tab` in one write moves two depots; Esc then `2` at once is Esc, then depot 2', () =>
    withTrace(term, async () => {
      burst('1');
      await settle('Local', (t) => depot(t) === 'Local');
      burst('\t\t');
      await settle('Official', (t) => depot(t) === 'Official');
      burst('\u001b2');
      await settle('Selected', (t) => depot(t) === 'Selected');
    }));

  it('`\\e` then `[A` 30 ms later is Up, not Esc and two letters (keys.escape_ms 200)', () =>
    withTrace(term, async () => {
      burst('2');
      const first = await settle('the Selected list', (t) => depot(t) === 'Selected' && selected(t) !== '');
      const top = first.split('\n').indexOf(selected(first));
      burst('jjj');
      const row = top + 3;
      await settle('the fourth row', (t) => t.split('\n').indexOf(selected(t)) === row);
      burst('\u001b');
      await new Promise((r) => setTimeout(r, 30)); // the rest of the sequence comes later, as over a slow link
      burst('[A');
      const up = await settle('one row up', (t) => t.split('\n').indexOf(selected(t)) === row - 1);
      expect(depot(up)).toBe('Selected');
      expect(up).not.toContain('[A');
    }));

  it('`3p` in one write pulls from tab 3; `13⏎` opens the tags of the Official image', () =>
    withTrace(term, async () => {
      burst('1');
      await settle('Local', (t) => depot(t) === 'Local');
      burst('3p');
      await settle('the pull of the first Official image', (t) => /downloading alpine:latest/.test(t) || /queueing alpine:latest/.test(t));
      burst('13\r');
      await settle('the tags of alpine', (t) => t.includes('Tags of alpine'));
      await back();
    }));

  it(`500 × j in one write moves 500 rows (Tags of a ${MANY_TAGS}-tag repository)`, () =>
    withTrace(term, async () => {
      burst('5');
      await settle('the registry catalog', (t) => t.includes(`${plain.host}/team/many`));
      burst('/many\r');
      await settle('team/many', (t) => t.includes('filter: many') && selected(t).includes('team/many'));
      key('Enter');
      await settle('its tags', (t) => t.includes(`Tags of ${plain.host}/team/many`) && /tag-0000/.test(t));
      burst('j'.repeat(500));
      await settle('row 501', (t) => selected(t).includes('tag-0500') && t.includes(`501/${MANY_TAGS}`));
      await back();
      burst('/');
      key('Escape');
    }));

  it('an 8 KB bracketed paste goes into the registry form field, literally, as one paste', () =>
    withTrace(term, async () => {
      burst('R');
      await settle('the registries', (t) => /^stevedore {2}(?:@\S+(?: \([^)]*\))? {2})?Registries/m.test(t));
      burst('a');
      await settle('the form', (t) => t.includes('Add a registry'));
      // qD would quit and open Downloads if read as keys; the newline would submit.
      const text = `qD${'x'.repeat(8 * 1024)}\n`;
      writeFileSync(PASTE, text);
      term.paste(PASTE, text);
      await settle('the pasted text in the Name field', (t) => /Name +…x{40,}/.test(t));
      burst('\u0001'); // ctrl+a: the start of the field
      await settle('its start', (t) => /Name +qDx{40,}/.test(t));
      expect(screen()).toContain('Add a registry');
      expect(screen()).not.toContain('EXITED');
      key('Escape');
      await settle('the form closed', (t) => !t.includes('Add a registry'));
      key('Escape');
    }));

  it('quits with q', () =>
    withTrace(term, async () => {
      await settle('the depots', (t) => /^stevedore {2}(?:@\S+(?: \([^)]*\))? {2})?Depots\s*$/m.test(t));
      burst('q');
      await until('the app to end', (t) => t.includes('EXITED=0'));
    }));

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
