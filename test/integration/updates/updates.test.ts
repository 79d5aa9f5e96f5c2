// Update checks through the built CLI against the real test world (issue 12): every case of
// test/world/updates.ts gives its status through `image updates --json`, and `image update` brings the tag to
// the registry's digest (checked against `docker inspect` RepoDigests and `skopeo inspect`), keeping the
// replaced image for `image rollback` (issue 22).
// test:later: dates matter here (updates.ttl, checked_at, "retry in 60 min (after HH:MM:SS UTC)", keep_previous): npm run test:later runs this file again a year ahead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { run as runProcess } from '../../world/proc.js';
import { describeWorld } from '../../world/harness.js';
import { DEFAULT_THROTTLE, docker, makeLayer, pushImage, removeAllImages, setThrottle, setUpUpdateCases, type UpdateCases, type WorldInfo } from '../../world/index.js';
import { assertBuilt, json, run, session, start, until, workerGone, type Session } from '../engine/helpers.js';

interface Entry {
  name: string;
  tag: string;
  id: string;
  status: string;
  reason: string | null;
  local_digest: string | null;
  remote_digest: string | null;
  newer_tags: string[];
  checked_at: string;
}

async function dockerOk(world: WorldInfo, args: string[]): Promise<string> {
  const r = await docker(world, args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** The entry of `name:tag` (a familiar reference as the CLI prints it). */
function entry(list: Entry[], ref: string): Entry {
  const at = ref.lastIndexOf('@');
  const colon = ref.lastIndexOf(':');
  const [name, tag] = at > 0 ? [ref.slice(0, at), '<none>'] : [ref.slice(0, colon), ref.slice(colon + 1)];
  const found = list.find((e) => e.name === name && e.tag === tag);
  if (!found) throw new Error(`no entry for ${ref} in ${JSON.stringify(list.map((e) => `${e.name}:${e.tag}`))}`);
  return found;
}

describeWorld('update checks against the test world', (world) => {
  let cases: UpdateCases;
  let s: Session;
  let anonymous: Session;
  const tokenConfigDir = mkdtempSync(join(tmpdir(), 'sd-upd-docker-'));

  beforeAll(async () => {
    assertBuilt();
    await removeAllImages(world);
    cases = await setUpUpdateCases(world, tokenConfigDir, `-${process.pid}`);
    // The Hub front stands where registry-1.docker.io would; the token registry's credentials as `docker login` left them.
    s = session(world, { STEVEDORE_HUB_REGISTRY: cases.hubFront.url, DOCKER_CONFIG: tokenConfigDir });
    anonymous = session(world, { STEVEDORE_HUB_REGISTRY: cases.hubFront.url });
  });

  afterAll(async () => {
    await cases?.close();
    await removeAllImages(world);
    for (const x of [s, anonymous]) {
      if (!x) continue;
      await workerGone(x);
      rmSync(x.configDir, { recursive: true, force: true });
    }
    rmSync(tokenConfigDir, { recursive: true, force: true });
  });

  it('gives every case its status through `image updates --json`', async () => {
    const r = await run(s, ['image', 'updates', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as Entry[];
    const { refs } = cases;

    const changing = entry(list, refs.changing);
    expect(changing).toMatchObject({ status: 'update_available', remote_digest: cases.changedDigest, reason: null });
    expect(changing.local_digest).not.toBe(cases.changedDigest);
    expect(entry(list, refs.multiarch)).toMatchObject({ status: 'up_to_date', reason: 'rebuilt for other platforms only' });
    expect(entry(list, refs.builtLocally)).toMatchObject({ status: 'unknown', reason: 'built locally (no registry digest)' });
    expect(entry(list, refs.pinned)).toMatchObject({ status: 'pinned' });
    expect(entry(list, refs.hub)).toMatchObject({ status: 'up_to_date' });
    expect(entry(list, refs.tokenPublic)).toMatchObject({ status: 'up_to_date' });
    expect(entry(list, refs.tokenPrivate)).toMatchObject({ status: 'up_to_date' });
    const limited = entry(list, refs.limited);
    expect(limited.status).toBe('unknown');
    expect(limited.reason).toMatch(/^rate limited by .* \(limit 100, 0 left\); retry in 60 min \(after \d\d:\d\d:\d\d UTC\)$/);
    expect(entry(list, refs.limitedSecond)).toMatchObject({ status: 'unknown', reason: limited.reason });
    expect(entry(list, refs.noDigest)).toMatchObject({ status: 'up_to_date' });
    expect(entry(list, refs.semver)).toMatchObject({ status: 'up_to_date', newer_tags: ['1.1'] });
    for (const e of list) expect(Date.parse(e.checked_at)).not.toBeNaN();

    // Docker Hub: HEAD only, with an anonymous token; no manifest GET (no pull counted).
    expect(cases.hubFront.counts.get).toBe(0);
    expect(cases.hubFront.counts.head).toBe(1);
    expect(cases.hubFront.counts.tokensAsked).toBeGreaterThanOrEqual(1);
    // The 429 stopped the round for that registry: one HEAD, not one per tag.
    expect(cases.limitedFront.counts.head).toBe(1);
    // No Docker-Content-Digest on HEAD: GET for that registry, counted and said.
    expect(cases.noDigestFront.counts.get).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${cases.noDigestFront.host} sends no Docker-Content-Digest on HEAD: checked with GET instead \\(1 request\\)`));
    expect(r.stderr).toMatch(/rate limited/);
  });

  it('says "no credentials" for a private repository without them; the cache answers the next round', async () => {
    const list = await json<Entry[]>(anonymous, ['image', 'updates']);
    expect(entry(list, cases.refs.tokenPrivate)).toMatchObject({ status: 'unknown' });
    expect(entry(list, cases.refs.tokenPrivate).reason).toMatch(/^no credentials for /);
    cases.hubFront.resetCounts();
    const again = await json<Entry[]>(anonymous, ['image', 'updates', '--filter', 'updhub']);
    expect(again.map((e) => e.status)).toEqual(['up_to_date']);
    expect(cases.hubFront.counts.head).toBe(0); // fresh in the cache (updates.ttl)
    await json<Entry[]>(anonymous, ['image', 'updates', '--filter', 'updhub', '--refresh']);
    expect(cases.hubFront.counts.head).toBe(1);
  });

  it('`image list --category local --json` carries each image`s update status', async () => {
    const out = await json<{ results: Array<{ name: string; images: Array<{ tag: string; update: string | null }> }> }>(s, ['image', 'list']);
    const of = (name: string, tag: string) => out.results.find((x) => x.name === name)?.images.find((i) => i.tag === tag)?.update;
    const [name, tag] = [cases.refs.changing.slice(0, cases.refs.changing.lastIndexOf(':')), '1.0'];
    expect(of(name, tag)).toBe('update_available');
    expect(of(cases.refs.semver.slice(0, cases.refs.semver.lastIndexOf(':')), '1.0')).toBe('up_to_date');
  });

  it('`image update` brings the tag to the registry digest and keeps the replaced image for a rollback (even with --remove-old)', async () => {
    const ref = cases.refs.changing;
    const oldId = await dockerOk(world, ['image', 'inspect', '--format', '{{.Id}}', ref]);
    const r = await run(s, ['image', 'update', ref, '--remove-old', '--json']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const last = lines.at(-1);
    // updates.keep_previous (7d): --remove-old leaves the replaced image for `image rollback` until then.
    expect(last).toMatchObject({ event: 'updated', name: ref, digest: cases.changedDigest, status: 'up_to_date', old_id: oldId, removed_old: [], kept_old: expect.stringMatching(/^kept for `stevedore image rollback` until /) });
    const repoDigests = JSON.parse(await dockerOk(world, ['image', 'inspect', '--format', '{{json .RepoDigests}}', ref])) as string[];
    expect(repoDigests).toContain(`${ref.slice(0, ref.lastIndexOf(':'))}@${cases.changedDigest}`);
    const skopeo = await runProcess('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`]);
    expect(skopeo.code, skopeo.stderr).toBe(0);
    expect((JSON.parse(skopeo.stdout) as { Digest: string }).Digest).toBe(cases.changedDigest);
    expect((await docker(world, ['image', 'inspect', oldId])).code).toBe(0); // kept
    const again = await run(s, ['image', 'update', ref]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${ref}: already up to date (${cases.changedDigest})`);
  });

  it('`image update --remove-old` killed after its pull started: the next run removes the old image (not "already up to date")', async () => {
    // Not kept for a rollback here (updates.keep_previous 0): --remove-old never removes a kept image (issue 22).
    expect((await run(s, ['config', 'set', 'updates.keep_previous', '0'])).code).toBe(0);
    onTestFinished(async () => {
      await run(s, ['config', 'set', 'updates.keep_previous', '7d']);
    });
    // A tag behind the throttling proxy, so the pull of its new image takes seconds.
    const repo = `upd/killed-${process.pid}`;
    const ref = `${world.throttlingProxy.host}/${repo}:1.0`;
    await pushImage(world.registries.plain, repo, '1.0', { layers: [makeLayer(2_000, 0)], config: { Cmd: ['/x'] } });
    await dockerOk(world, ['pull', '--quiet', ref]);
    const oldId = await dockerOk(world, ['image', 'inspect', '--format', '{{.Id}}', ref]);
    await pushImage(world.registries.plain, repo, '1.0', { layers: [makeLayer(600_000, 0)], config: { Cmd: ['/y'] } });
    await setThrottle(world, 40 * 1024);
    try {
      const first = start(s, ['image', 'update', ref, '--remove-old', '--json']);
      await first.waitForLine((l) => (JSON.parse(l) as { event?: string }).event === 'progress');
      process.kill(-(first.child.pid ?? 0), 'SIGKILL');
      await first.exited;
      await setThrottle(world, 0);
      // The worker finishes the pull on its own; the old image is left behind.
      await until(() => json<Array<{ name: string; status: string }>>(s, ['image', 'downloads']), (l) => l.some((d) => d.name === ref && d.status === 'complete'), 60_000, `${ref} pulled`);
      expect((await docker(world, ['image', 'inspect', oldId])).code).toBe(0);
    } finally {
      await setThrottle(world, DEFAULT_THROTTLE);
    }

    const again = await run(s, ['image', 'update', ref, '--remove-old', '--json']);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    const last = JSON.parse(again.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(last).toMatchObject({ event: 'updated', name: ref, status: 'up_to_date', old_id: oldId, kept_old: null });
    expect(last.removed_old).toContain(oldId);
    expect((await docker(world, ['image', 'inspect', oldId])).code).not.toBe(0);
    // Owed once: the run after that has nothing left to do.
    const third = await run(s, ['image', 'update', ref, '--remove-old']);
    expect(third.stdout).toMatch(/already up to date/);
  });

  it('`image update` of a built image or an unknown tag is a clear one-line error', async () => {
    const built = await run(s, ['image', 'update', cases.refs.builtLocally]);
    expect(built.code).toBe(1);
    expect(built.stderr).toBe(`error: cannot update ${cases.refs.builtLocally}: built locally (no registry digest)\n`);
    const missing = await run(s, ['image', 'update', 'nothing/here:1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: Image not found: nothing\/here:1 \(not on this engine\)/);
  });
});
