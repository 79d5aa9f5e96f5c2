// No key destroys anything by accident (issue 19), in a real terminal against the test world: `/dev`
// and Enter typed on a list filters it (slowly or in one write) and changes nothing, on Registries,
// Engines and Saved repositories; `dy` in one write on Local asks and deletes nothing, `y` typed after
// the question was drawn deletes; a key a screen has no use for says so. What the CLI lists afterwards
// is the proof that nothing changed.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness.js';
import { docker } from '../../world/index.js';
import { assertBuilt, run, session } from '../engine/helpers.js';
import { type Terminal, openTerminal, withTrace } from './terminal.js';

describeWorld('keys that could destroy something, in a real terminal', (world) => {
  const s = session(world);
  const plain = world.registries.plain;
  const image = `${plain.host}/team/alpha:1.0`;
  let term: Terminal;
  const cli = async (...args: string[]): Promise<string> => {
    const r = await run(s, [...args, '--json']);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };
  const selected = (t: string) => t.split('\n').find((l) => l.includes('›') && !l.includes('› filter')) ?? '';
  const title = (t: string) => t.split('\n')[0] ?? '';

  beforeAll(async () => {
    assertBuilt();
    const added = await run(s, ['registry', 'add', 'plain', '--url', plain.url, '--api', 'v2', '--username', 'bob', '--password-stdin'], 'secret\n');
    expect(added.code, added.stderr).toBe(0);
    const engine = await run(s, ['engine', 'add', 'nas', '--host', 'ssh://admin@nas.invalid', '--force']);
    expect(engine.code, engine.stderr).toBe(0);
    const pulled = await run(s, ['image', 'pull', image]);
    expect(pulled.code, pulled.stderr).toBe(0);
    term = openTerminal('keys', s);
    await term.until('the Local list', (t) => t.includes(`${plain.host}/team/alpha`));
    await term.idle('the app started');
  });

  afterAll(async () => {
    term?.stop();
    await docker(world, ['rmi', '-f', image]);
    rmSync(s.configDir, { recursive: true, force: true });
  });

  /** `/dev` then Enter, one key at a time (waiting for the app after each) or in one write. */
  async function typeDev(how: 'slowly' | 'in one write'): Promise<string> {
    if (how === 'slowly') {
      for (const k of ['/', 'd', 'e', 'v']) {
        term.key(k);
        await term.idle(`${k} applied`);
      }
      term.key('Enter');
    } else {
      term.burst('/dev');
      term.key('Enter');
    }
    return term.idle('/dev and Enter applied');
  }

  /** Clears the kept filter (`/`, Esc). */
  async function clearFilter(): Promise<void> {
    term.key('/', 'Escape');
    await term.idle('the filter cleared');
  }

  describe.each(['slowly', 'in one write'] as const)('/dev and Enter typed %s', (how) => {
    it('on Registries with plain selected: filters the list, the registry and its password stay', () =>
      withTrace(term, async () => {
        const before = await cli('registry', 'list');
        term.key('R');
        await term.idle('the Registries screen');
        term.key('j');
        let t = await term.idle('plain selected');
        expect(selected(t)).toContain('plain');
        t = await typeDev(how);
        expect(t).toContain('filter: dev  (0 of 2)');
        expect(t).toContain('nothing matches "dev"');
        expect(t).not.toMatch(/Delete|Edit registry|Add a registry/);
        expect(await cli('registry', 'list')).toBe(before);
        expect(before).toContain('"plain"');
        await clearFilter();
      }));

    it('on Engines after G: filters the list, no engine is asked about or changed', () =>
      withTrace(term, async () => {
        const before = await cli('engine', 'list');
        term.key('C');
        await term.idle('the Engines screen');
        term.key('G');
        let t = await term.idle('the last engine selected');
        expect(selected(t)).toContain('nas');
        t = await typeDev(how);
        expect(t).toContain('filter: dev');
        expect(t).not.toMatch(/Delete engine|Edit engine|Add an engine/);
        expect(await cli('engine', 'list')).toBe(before);
        await clearFilter();
      }));
  });

  it('`/plain` in one write on Registries filters to plain (it opens no form)', () =>
    withTrace(term, async () => {
      term.key('R');
      await term.idle('the Registries screen');
      term.burst('/plain');
      term.key('Enter');
      const t = await term.idle('the filter');
      expect(t).toContain('filter: plain  (1 of 2)');
      expect(selected(t)).toContain('plain');
      expect(t).not.toContain('Add a registry');
      await clearFilter();
    }));

  describe.each(['slowly', 'in one write'] as const)('/dev and Enter typed %s', (how) => {
    it('on Saved repositories: filters the list, the repository stays', () =>
      withTrace(term, async () => {
        const saved = await run(s, ['repo', 'add', `${plain.host}/team/alpha`, '--username', 'bob', '--password-stdin'], 'secret\n');
        expect(saved.code === 0 || saved.stderr.includes('already'), saved.stderr).toBe(true);
        const before = await cli('repo', 'list');
        term.key('E');
        let t = await term.idle('the Saved repositories screen');
        expect(selected(t)).toContain('team/alpha');
        t = await typeDev(how);
        expect(t).toContain('filter: dev  (0 of 1)');
        expect(t).not.toMatch(/Remove .*\?|Credentials for/);
        expect(await cli('repo', 'list')).toBe(before);
        await clearFilter();
      }));
  });

  it('a key Registries has no use for is refused with a reason', () =>
    withTrace(term, async () => {
      term.key('R');
      await term.idle('the Registries screen');
      term.key('x');
      const t = await term.idle('x refused');
      expect(t).toContain('x: not a key on this screen (? lists the keys)');
      expect(title(t)).toContain('Registries');
    }));

  it('`dy` in one write on Local asks and deletes nothing; y typed after the question was drawn deletes', () =>
    withTrace(term, async () => {
      term.key('1');
      let t = await term.idle('the Local list');
      // The image pulled for this test is the one selected first? Select it by its row.
      const lines = t.split('\n');
      const row = lines.findIndex((l) => l.includes(`${plain.host}/team/alpha `));
      const first = lines.findIndex((l) => l.includes('›'));
      for (let i = first; i < row; i++) term.key('Down');
      for (let i = row; i < first; i++) term.key('Up');
      t = await term.idle('alpha selected');
      expect(selected(t)).toContain(`${plain.host}/team/alpha `);
      term.burst('dy');
      t = await term.idle('the delete question');
      expect(t).toContain(`Delete ${image}`);
      expect(t).toContain('1 key typed before this question was ignored');
      expect(await cli('image', 'list')).toContain(`${plain.host}/team/alpha`);
      term.key('Enter');
      t = await term.idle('Enter refused');
      expect(t).toContain('Enter: answer y or n');
      term.key('y');
      t = await term.idle('the image deleted');
      expect(t).toContain(`deleted ${image}`);
      expect(await cli('image', 'list')).not.toContain(`${plain.host}/team/alpha"`);
    }));
});
