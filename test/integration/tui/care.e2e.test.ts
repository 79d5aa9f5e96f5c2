// Issue 22 in the app, for real (the built app in tmux against the test world, 80x24): a tag gets a new push,
// `u` updates it (the question names the versions and the release notes; the replaced image is kept), then `b`
// rolls it back (a question that destroys: `bb` in one write does not answer it) and the tag is on the old image
// ID again (issue 22's must-show, app side). And the Docker Hub stand-in's tags give digests: `latest = 3.20`
// in the Tags screen and `same_as` in `image tags --json`.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness.js';
import { docker, makeLayer, pushImage, putTags, type WorldInfo } from '../../world/index.js';
import { assertBuilt, json, session, workerGone } from '../engine/helpers.js';
import { type Terminal, openTerminal, withTrace } from './terminal.js';

async function dockerOk(world: WorldInfo, args: string[]): Promise<string> {
  const r = await docker(world, args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

const selected = (screen: string): string => screen.split('\n').find((l) => l.includes('›')) ?? '';

describeWorld('the caretaker in the app (issue 22)', (world) => {
  const s = session(world);
  const plain = world.registries.plain;
  const repo = `care${process.pid}/app`;
  const ref = `${plain.host}/${repo}:latest`;
  const source = 'https://github.com/example/app';
  const image = (version: string, n: number) => ({
    layers: [makeLayer(3_000 + n, 0)],
    config: { Cmd: ['/app'], Labels: { 'org.opencontainers.image.version': version, 'org.opencontainers.image.source': source } },
    created: '2024-03-01T00:00:00Z',
  });
  let term: Terminal;
  let oldId = '';
  let newId = '';

  beforeAll(async () => {
    assertBuilt();
    // 1.27.2 is pulled; then the tag gets a new push (1.27.3) on the registry.
    await pushImage(plain, repo, 'latest', image('1.27.2', 1));
    await putTags(plain, repo, 'latest', ['1.27.2']);
    await dockerOk(world, ['pull', '--quiet', ref]);
    oldId = await dockerOk(world, ['image', 'inspect', '--format', '{{.Id}}', ref]);
    await pushImage(plain, repo, 'latest', image('1.27.3', 2));
    await putTags(plain, repo, 'latest', ['1.27.3']);
    term = openTerminal('care', s, { columns: 80, rows: 24 });
  });

  afterAll(async () => {
    term?.stop();
    // Both images of the tag (the one rolled back from stays, untagged, kept for a rollback): the world's engine
    // is shared by the next test files, which expect it as they found it.
    const tagged = await docker(world, ['images', '--all', '--quiet', '--no-trunc', '--filter', `reference=${plain.host}/${repo}`]);
    const ids = new Set([oldId, newId, ...tagged.stdout.split('\n').map((l) => l.trim())].filter(Boolean));
    await docker(world, ['rmi', '-f', ref]);
    for (const id of ids) await docker(world, ['rmi', '-f', id]);
    // The download worker `u` started leaves when idle: then its settings folder goes.
    await workerGone(s);
    rmSync(s.configDir, { recursive: true, force: true });
  });

  it('u updates a tag that got a new push (versions named, old image kept); b rolls it back to the old image ID', () =>
    withTrace(term, async () => {
      await term.until('the update mark', (t) => t.includes(repo) && /↑ .*care/.test(t.split('\n').find((l) => l.includes(repo)) ?? ''), 60_000);
      term.burst('/care');
      term.key('Enter');
      let t = await term.idle('the row on its own');
      expect(selected(t)).toContain(repo);
      term.key('u');
      t = await term.idle('the update question');
      expect(t).toContain('1.27.2 → 1.27.3?');
      expect(t).toContain(`release notes: ${source}/releases`);
      term.key('y');
      // Done when the tag shows its kept previous image (↶); the banner says so (cut at 80 columns: e shows it whole).
      const latestRow = (x: string): string => x.split('\n').find((l) => l.includes(repo) && / latest /.test(l)) ?? '';
      t = await term.until('the update done, the old image kept', (x) => /^\s*↶ /.test(latestRow(x)) && x.includes('i updated '), 60_000);
      newId = await dockerOk(world, ['image', 'inspect', '--format', '{{.Id}}', ref]);
      expect(newId).not.toBe(oldId);
      expect(latestRow(t)).toContain(newId.slice(7, 19));
      term.key('e');
      t = await term.idle('the whole banner');
      expect(t).toContain(`b rolls back to ${oldId.slice(7, 19)}`);
      expect(t).toContain('(kept until');
      term.key('Escape');
      // The selection followed the old image (now untagged): back to the tag.
      term.key('g');
      t = await term.idle('the tag selected');
      expect(selected(t)).toContain(' latest ');
      expect(t).toContain('previous: just now (b rolls back)');
      // `bb` in one write: the second b is typed before the question is drawn and does not answer it.
      term.burst('bb');
      t = await term.idle('the rollback question');
      expect(t).toContain('back?');
      expect(t).toContain(`the tag moves from ${newId.slice(7, 19)} to ${oldId.slice(7, 19)}`);
      expect(t).toContain('1 key typed before this question was ignored');
      expect(await dockerOk(world, ['image', 'inspect', '--format', '{{.Id}}', ref])).toBe(newId);
      term.key('n');
      await term.idle('the question gone');
      // Typed slowly: b, then y once the question is on screen.
      term.key('b');
      t = await term.idle('the rollback question again');
      expect(t).not.toContain('typed before this question');
      term.key('y');
      t = await term.until('rolled back', (x) => x.includes(`app:latest back to ${oldId.slice(7, 19)}`));
      expect(await dockerOk(world, ['image', 'inspect', '--format', '{{.Id}}', ref])).toBe(oldId);
      // The banner is cut at 80 columns: e shows it whole, with the reference to pin.
      term.key('e');
      t = await term.idle('the whole banner');
      // The pane wraps the reference where it must: read it without the border and the line breaks.
      const pane = t.split('\n').map((l) => l.replace(/^\s*│ ?|\s*│\s*$/g, '')).join('').replace(/\s+/g, '');
      const pin = (JSON.parse(await dockerOk(world, ['image', 'inspect', '--format', '{{json .RepoDigests}}', oldId])) as string[]).find((d) => d.startsWith(`${plain.host}/${repo}@`));
      expect(pin).toBeDefined();
      expect(pane).toContain(`pinit:${pin}`);
      term.key('Escape');
      // The CLI sees the same: the image it left is the one a second rollback goes to.
      const list = await json<{ results: Array<{ name: string; images: Array<{ tag: string; id: string; previous: { id: string } | null }> }> }>(s, ['image', 'list']);
      const entry = list.results.find((r) => r.name === `${plain.host}/${repo}`)?.images.find((i) => i.tag === 'latest');
      expect(entry).toMatchObject({ id: oldId, previous: { id: newId } });
    }));

  it('Docker Hub stand-in: latest = 3.20 in the Tags screen and same_as in `image tags --json`', () =>
    withTrace(term, async () => {
      const tags = await json<{ details: Array<{ name: string; same_as: string[] }> }>(s, ['image', 'tags', 'alpine']);
      expect(tags.details.find((d) => d.name === 'latest')?.same_as).toEqual(['3.20']);
      term.key('Escape');
      term.key('4');
      term.burst('/alpine');
      term.key('Enter');
      let t = await term.idle('the Docker Hub search');
      expect(t).toContain('alpine');
      term.key('Enter');
      t = await term.idle('the tags of alpine');
      expect(t).toContain('latest = 3.20');
      term.key('q');
      await term.until('the app to end', (x) => x.includes('EXITED=0'));
    }));
});
