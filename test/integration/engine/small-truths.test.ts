// Secrets and small truths (issue 24, items 10 and 11), with the built CLI against real servers: references
// and engine hosts with credentials in them are masked or refused (never stored or printed); the `platform`
// setting meets a single-platform image as --platform does (a 404 naming what it has, before any download);
// a Retry-After of three years or the year 2100 is shown as the server said it.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendJson, startServer, type TestServer } from '../../fixtures/remote/servers';
import { describeWorld } from '../../world/harness';
import { pushImage, type WorldInfo } from '../../world/index';
import { assertBuilt, json, run, session, type Session } from './helpers';

const SECRET = 'hunter2-issue24';

describeWorld('secrets and small truths (issue 24)', (world: WorldInfo) => {
  let s: Session;

  beforeAll(() => {
    assertBuilt();
    s = session(world);
  });

  afterAll(() => {
    rmSync(s.configDir, { recursive: true, force: true });
  });

  it('masks user:pass@ in references echoed by errors, whatever the scheme', async () => {
    for (const ref of [`http://ops:${SECRET}@reg.example/app:1`, `https://ops:${SECRET}@reg.example:5000/app`, `https://${SECRET}@reg.example/app`, `ops:${SECRET}@reg.example/app`]) {
      for (const args of [['image', 'inspect', ref], ['image', 'inspect', '--remote', ref], ['image', 'pull', ref], ['image', 'tags', ref], ['image', 'rm', ref]]) {
        const r = await run(s, args);
        expect(r.code, args.join(' ')).not.toBe(0);
        expect(r.stdout + r.stderr, args.join(' ')).not.toContain(SECRET);
        expect(r.stderr).toContain('***@reg.example');
      }
    }
  });

  it('refuses engine hosts that carry credentials or a query, as ssh:// already did: nothing stored or printed', async () => {
    for (const host of [`tcp://ops:${SECRET}@10.0.0.1:2375`, `unix://ops:${SECRET}@/var/run/docker.sock`, `unix:///var/run/docker.sock?password=${SECRET}`, `tcp://10.0.0.1:2375?password=${SECRET}`, `ssh://root:${SECRET}@nas`]) {
      const r = await run(s, ['engine', 'add', 'leak', '--host', host]);
      expect(r.code, host).toBe(1);
      expect(r.stderr).toMatch(/must not carry credentials or a query/);
      expect(r.stderr).not.toContain(SECRET);
      const j = await json<{ error: { code: number; message: string } }>(s, ['engine', 'add', 'leak', '--host', host]);
      expect(j.error.code).toBe(400);
      expect(JSON.stringify(j)).not.toContain(SECRET);
    }
    const list = await run(s, ['engine', 'list', '--json']);
    expect(list.stdout).not.toContain(SECRET);
    expect(list.stdout).not.toContain('"leak"');
    const env = await run({ ...s, env: { ...s.env, DOCKER_HOST: `tcp://ops:${SECRET}@127.0.0.1:1` } }, ['image', 'list']);
    expect(env.code).toBe(1);
    expect(env.stdout + env.stderr).not.toContain(SECRET);
  });

  it('the platform setting is checked against a single-platform image as --platform is', async () => {
    const reg = world.registries.plain;
    await pushImage(reg, 'issue24/single', '1', { layers: [64], platform: { os: 'linux', architecture: 'amd64' } });
    const ref = `${reg.host}/issue24/single:1`;
    const p = session(world);
    try {
      expect((await run(p, ['config', 'set', 'platform', 'linux/arm64'])).code).toBe(0);
      const inspect = await run(p, ['image', 'inspect', '--remote', ref]);
      expect(inspect.code).toBe(1);
      expect(inspect.stderr).toBe(
        `error: Image not found: ${ref} for platform linux/arm64 (it has linux/amd64 only; the platform comes from the \`platform\` setting (\`stevedore config set platform ""\` uses the engine's))\n`,
      );
      const pull = await run(p, ['image', 'pull', ref, '--json']);
      expect(pull.code).toBe(1);
      expect(JSON.parse(pull.stdout)).toMatchObject({ error: { code: 404, message: expect.stringContaining('for platform linux/arm64') } });
      expect(await json<unknown[]>(p, ['image', 'downloads'])).toEqual([]); // nothing was queued
      // The flag still decides when given; a setting that matches lets it through.
      expect(await json(p, ['image', 'inspect', '--remote', ref, '--platform', 'linux/amd64'])).toMatchObject({ Platform: 'linux/amd64' });
      expect((await run(p, ['config', 'set', 'platform', 'linux/amd64'])).code).toBe(0);
      expect(await json(p, ['image', 'inspect', '--remote', ref])).toMatchObject({ Platform: 'linux/amd64', Platforms: ['linux/amd64'] });
    } finally {
      rmSync(p.configDir, { recursive: true, force: true });
    }
  });

  it('a Retry-After of three years or the year 2100 is shown as the server said it, not as "7 days"', async () => {
    let retryAfter = '';
    const limited: TestServer = await startServer((_req, res) => sendJson(res, 429, { errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }, { 'retry-after': retryAfter }));
    try {
      for (const value of [String(3 * 365 * 86_400), 'Fri, 01 Jan 2100 00:00:00 GMT']) {
        retryAfter = value;
        const r = await run(s, ['image', 'tags', `${limited.host}/team/app`]);
        expect(r.code).toBe(1);
        expect(r.stderr).toBe(`error: ${limited.host} is rate-limiting requests; retry later (it said "Retry-After: ${value}")\n`);
        expect(r.stderr).not.toContain('7 days');
      }
    } finally {
      await limited.close();
    }
  });
});
