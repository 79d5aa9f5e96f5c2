// Several engines (issue 13), with the built CLI against the world's two dockerds and its real sshd:
// `--engine`, saved engines, a docker context made with `docker context create`, and ssh:// engines through
// the system ssh with one shared connection (counted in sshd's log) and named failures.
// test:later: dates matter here (the tcp+TLS engine's certificates (the daemons keep the real clock)): npm run test:later runs this file again a year ahead.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness.js';
import { DEFAULT_THROTTLE, DOCKER_CLI, httpRequest, removeAllImages, setThrottle } from '../../world/index.js';
import { run as runProcess } from '../../world/proc.js';
import { sshLogins } from '../../world/sshd.js';
import type { WorldInfo } from '../../world/types.js';
import { assertBuilt, json, jsonLines, run, session, until, workerGone, type Session } from './helpers.js';

interface LocalList {
  results: Array<{ name: string; tags: string[] }>;
}
interface Engine {
  name: string;
  host: string;
  source: string;
  active: boolean;
  reachable: boolean;
  version: string | null;
  error?: string;
}

/** Empties engine B (the second dockerd) as removeAllImages does for A. */
async function emptyB(world: WorldInfo): Promise<void> {
  for (let pass = 0; pass < 10; pass++) {
    const list = (await httpRequest('http://docker/images/json?all=1', { socketPath: world.engineB.socket, timeoutMs: 30_000 })).json();
    const ids = Array.isArray(list) ? list.map((i) => String((i as { Id: unknown }).Id)) : [];
    if (ids.length === 0) return;
    for (const id of ids) await httpRequest(`http://docker/images/${id}?force=1`, { method: 'DELETE', socketPath: world.engineB.socket, timeoutMs: 60_000 });
  }
}

describeWorld('engines: --engine, saved engines, docker contexts, ssh://', (world) => {
  const sessions: Session[] = [];
  const dirs: string[] = [];
  const plain = world.registries.plain.host;
  const slow = world.throttlingProxy.host;
  /** A session without DOCKER_HOST (so saved engines and contexts decide), ssh pointed at the world's sshd. */
  const user = (): Session => {
    const controlDir = join(world.root, 'ssh', `c${randomBytes(3).toString('hex')}`);
    mkdirSync(controlDir, { mode: 0o700 });
    const dockerConfig = mkdtempSync(join(world.root, 'dc-'));
    dirs.push(dockerConfig);
    const s = session(world, { DOCKER_CONFIG: dockerConfig, STEVEDORE_SSH_CONFIG: world.ssh.clientConfig, STEVEDORE_SSH_CONTROL_DIR: controlDir });
    delete s.env.DOCKER_HOST;
    sessions.push(s);
    return s;
  };
  const ok = async (s: Session, args: string[]): Promise<string> => {
    const r = await run(s, args);
    expect(r.code, `stevedore ${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
    return r.stdout;
  };
  const names = (list: LocalList): string[] => list.results.map((r) => r.name).sort();

  beforeAll(async () => {
    assertBuilt();
    await Promise.all([removeAllImages(world), emptyB(world)]);
  });

  afterEach(async () => {
    await Promise.all(sessions.map((s) => workerGone(s)));
    await Promise.all([removeAllImages(world), emptyB(world)]);
  });

  afterAll(() => {
    for (const s of sessions) rmSync(s.configDir, { recursive: true, force: true });
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('`image pull --engine B` lands on B; `image list --engine B` and `--engine A` differ as the engines do', async () => {
    const s = user();
    await ok(s, ['engine', 'add', 'A', '--host', world.dockerHost]);
    await ok(s, ['engine', 'add', 'B', '--host', world.engineB.host]);
    const pull = await run(s, ['image', 'pull', `${plain}/team/multi:1.0`, '--engine', 'B', '--json']);
    expect(pull.code, pull.stderr).toBe(0);
    expect(jsonLines(pull.stdout.split('\n').filter(Boolean)).at(-1)).toMatchObject({ event: 'done', digest: world.digests.multi });

    const onB = await json<LocalList>(s, ['image', 'list', '--engine', 'B']);
    const onA = await json<LocalList>(s, ['image', 'list', '--engine', 'A']);
    expect(names(onB)).toEqual([`${plain}/team/multi`]);
    expect(names(onA)).toEqual([]);
    // What the engines themselves say.
    const bImages = (await httpRequest('http://docker/images/json', { socketPath: world.engineB.socket })).json() as Array<{ RepoTags: string[] }>;
    expect(bImages.flatMap((i) => i.RepoTags)).toEqual([`${plain}/team/multi:1.0`]);

    // `engine use` makes B the default for later commands; --engine still wins for one command.
    await ok(s, ['engine', 'use', 'B']);
    expect(names(await json<LocalList>(s, ['image', 'list']))).toEqual([`${plain}/team/multi`]);
    expect(names(await json<LocalList>(s, ['image', 'list', '--engine', 'A']))).toEqual([]);
    const engines = await json<Engine[]>(s, ['engine', 'list']);
    expect(engines.find((e) => e.name === 'B')).toMatchObject({ source: 'saved', active: true, reachable: true, version: expect.any(String) });
    expect(engines.find((e) => e.name === 'A')).toMatchObject({ active: false, reachable: true });
    // DOCKER_HOST takes precedence over `engine use`, as DESIGN.md says.
    const withEnv = await json<LocalList>({ ...s, env: { ...s.env, DOCKER_HOST: world.dockerHost } }, ['image', 'list']);
    expect(names(withEnv)).toEqual([]);
  });

  it('keeps downloads with their engine: one running on B goes on and is listed there, not on A', async () => {
    const s = user();
    await ok(s, ['engine', 'add', 'A', '--host', world.dockerHost]);
    await ok(s, ['engine', 'add', 'B', '--host', world.engineB.host]);
    await setThrottle(world, 512 * 1024);
    try {
      await ok(s, ['image', 'pull', `${slow}/team/multi:1.0`, '--engine', 'B', '--detach']);
      const onB = await json<Array<{ name: string; status: string; engine: string }>>(s, ['image', 'downloads', '--engine', 'B']);
      expect(onB.map((d) => [d.name, d.engine])).toEqual([[`${slow}/team/multi:1.0`, 'B']]);
      // `image downloads` lists every engine's downloads, each with its engine: A has none.
      const fromA = await json<Array<{ name: string; engine: string }>>(s, ['image', 'downloads', '--engine', 'A']);
      expect(fromA.map((d) => [d.name, d.engine])).toEqual([[`${slow}/team/multi:1.0`, 'B']]);
      const table = await run(s, ['image', 'downloads', '--engine', 'A']);
      expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+ENGINE\s+NAME/);
      const done = await until(
        () => json<Array<{ status: string }>>(s, ['image', 'downloads', '--engine', 'B']),
        (list) => list[0]?.status === 'complete',
        90_000,
        'the download on B to complete',
      );
      expect(done[0]?.status).toBe('complete');
      expect(names(await json<LocalList>(s, ['image', 'list', '--engine', 'B']))).toEqual([`${slow}/team/multi`]);
      expect(names(await json<LocalList>(s, ['image', 'list', '--engine', 'A']))).toEqual([]);
    } finally {
      await setThrottle(world, DEFAULT_THROTTLE);
    }
  });

  it('lists a context made with `docker context create` and uses it by name; the current context is the default engine', async () => {
    const s = user();
    const made = await runProcess(DOCKER_CLI, ['context', 'create', 'ctx-b', '--docker', `host=${world.engineB.host}`], { env: { ...process.env, DOCKER_CONFIG: s.env.DOCKER_CONFIG } });
    expect(made.code, made.stderr).toBe(0);
    await ok(s, ['image', 'pull', `${plain}/team/multi:1.0`, '--engine', 'ctx-b']);

    const engines = await json<Engine[]>(s, ['engine', 'list']);
    expect(engines.find((e) => e.name === 'ctx-b')).toMatchObject({ host: world.engineB.host, source: 'context', active: false, reachable: true });
    expect(engines.find((e) => e.name === 'default')).toMatchObject({ source: 'default', active: true });
    expect(names(await json<LocalList>(s, ['image', 'list', '--engine', 'ctx-b']))).toEqual([`${plain}/team/multi`]);

    const used = await runProcess(DOCKER_CLI, ['context', 'use', 'ctx-b'], { env: { ...process.env, DOCKER_CONFIG: s.env.DOCKER_CONFIG } });
    expect(used.code, used.stderr).toBe(0);
    expect((await json<Engine[]>(s, ['engine', 'list'])).find((e) => e.active)?.name).toBe('ctx-b');
    expect(names(await json<LocalList>(s, ['image', 'list']))).toEqual([`${plain}/team/multi`]);
    // A context cannot be removed or shadowed by stevedore.
    expect((await json<{ error: { code: number } }>(s, ['engine', 'rm', 'ctx-b'])).error.code).toBe(403);
    expect((await json<{ error: { code: number } }>(s, ['engine', 'add', 'ctx-b', '--host', world.dockerHost])).error.code).toBe(409);
    expect((await json<{ error: { code: number } }>(s, ['image', 'list', '--engine', 'nope'])).error.code).toBe(404);
  });

  it('over the real sshd: list, inspect, pull with progress, rm; ten one-shot commands open one ssh connection', async () => {
    const s = user();
    const before = sshLogins(world.ssh.log);
    // `engine add` asks the engine first: that opens the shared connection the commands below reuse.
    await ok(s, ['engine', 'add', 'nas', '--host', world.ssh.url]);

    const pull = await run(s, ['image', 'pull', `${slow}/team/multi:1.0`, '--engine', 'nas', '--json']);
    expect(pull.code, pull.stderr).toBe(0);
    const events = jsonLines(pull.stdout.split('\n').filter(Boolean));
    expect(events.filter((e) => e.event === 'progress').length).toBeGreaterThan(0);
    expect(events.at(-1)).toEqual({ event: 'done', name: `${slow}/team/multi:1.0`, digest: world.digests.multi });

    expect(names(await json<LocalList>(s, ['image', 'list', '--engine', 'nas']))).toEqual([`${slow}/team/multi`]);
    const inspect = await json<{ RepoTags: string[] }>(s, ['image', 'inspect', `${slow}/team/multi:1.0`, '--engine', 'nas']);
    expect(inspect.RepoTags).toEqual([`${slow}/team/multi:1.0`]);
    for (let i = 0; i < 7; i++) await ok(s, ['image', 'list', '--engine', 'nas', '--json']);
    const removed = await json<{ untagged: string[] }>(s, ['image', 'rm', `${slow}/team/multi:1.0`, '--engine', 'nas']);
    expect(removed.untagged).toContain(`${slow}/team/multi:1.0`);
    expect(names(await json<LocalList>(s, ['image', 'list', '--engine', 'nas']))).toEqual([]);
    // It was engine B all along (the sshd's sessions reach it).
    expect((await httpRequest('http://docker/images/json', { socketPath: world.engineB.socket })).json()).toEqual([]);

    // `engine add` and 12 commands (and the download worker) — one ssh login.
    expect(sshLogins(world.ssh.log) - before).toBe(1);
  });

  it('reaches a tcp+TLS engine with --tls-verify --cert-path, and refuses one whose certificate it cannot verify (495)', async () => {
    const s = user();
    const certs = mkdtempSync(join(world.root, 'certs-'));
    const wrong = mkdtempSync(join(world.root, 'certs-'));
    dirs.push(certs, wrong);
    // The engine verifies clients (as dockerd --tlsverify setups do): a client certificate from the world's CA.
    copyFileSync(world.engineB.caFile, join(certs, 'ca.pem'));
    const caKey = join(dirname(world.engineB.caFile), 'ca.key');
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    for (const [dir, ca] of [[certs, world.engineB.caFile], [wrong, null]] as const) {
      if (ca) {
        await runProcess('openssl', ['req', ...ec, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'c.csr'), '-subj', '/CN=stevedore-client']);
        writeFileSync(join(dir, 'c.ext'), 'extendedKeyUsage=clientAuth\n');
        const signed = await runProcess('openssl', ['x509', '-req', '-in', join(dir, 'c.csr'), '-CA', ca, '-CAkey', caKey, '-set_serial', '0x1234', '-days', '1', '-extfile', join(dir, 'c.ext'), '-out', join(dir, 'cert.pem')]);
        expect(signed.code, signed.stderr).toBe(0);
      } else {
        // Another CA altogether: the engine's certificate cannot be verified with it.
        const made = await runProcess('openssl', ['req', '-x509', ...ec, '-keyout', join(dir, 'k'), '-out', join(dir, 'ca.pem'), '-subj', '/CN=other', '-days', '1']);
        expect(made.code, made.stderr).toBe(0);
      }
    }
    await ok(s, ['engine', 'add', 'secure', '--host', world.engineB.tlsHost, '--tls-verify', '--cert-path', certs]);
    // An engine whose certificate is not trusted does not answer: refused, saying why; saved with --force.
    const unsaved = await json<{ error: { code: number; message: string } }>(s, ['engine', 'add', 'untrusted', '--host', world.engineB.tlsHost, '--tls-verify', '--cert-path', wrong]);
    expect(unsaved.error).toMatchObject({ code: 495, message: expect.stringMatching(/^engine "untrusted" was not saved: .* does not answer as an engine \(.*certificate/) });
    const forced = await run(s, ['engine', 'add', 'untrusted', '--host', world.engineB.tlsHost, '--tls-verify', '--cert-path', wrong, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/^warning: engine "untrusted" was saved but does not answer now: /);
    const engines = await json<Engine[]>(s, ['engine', 'list']);
    expect(engines.find((e) => e.name === 'secure'), JSON.stringify(engines)).toMatchObject({ reachable: true, version: expect.any(String) });
    expect((await json<LocalList>(s, ['image', 'list', '--engine', 'secure'])).results).toEqual([]);
    const refused = await json<{ error: { code: number; message: string } }>(s, ['image', 'list', '--engine', 'untrusted']);
    expect(refused.error.code).toBe(495);
    expect(refused.error.message).toMatch(/certificate that is not trusted/);
  });

  it('names ssh failures: unknown host key, refused login, docker not found (127), daemon not running', async () => {
    const s = user();
    const port = world.ssh.port;
    // `engine add` asks each one first: a dead engine is not saved without --force, and the refusal says why.
    const refusal = await json<{ error: { code: number; message: string } }>(s, ['engine', 'add', 'refused', '--host', `ssh://nobody@127.0.0.1:${port}`]);
    expect(refusal.error.message).toMatch(/^engine "refused" was not saved: ssh:\/\/nobody@127\.0\.0\.1:\d+ does not answer as an engine \(ssh refused the login/);
    expect((await json<Engine[]>(s, ['engine', 'list'])).map((e) => e.name)).not.toContain('refused');
    await ok(s, ['engine', 'add', 'unknown-key', '--host', `ssh://root@localhost:${port}`, '--force']);
    await ok(s, ['engine', 'add', 'refused', '--host', `ssh://nobody@127.0.0.1:${port}`, '--force']);
    await ok(s, ['engine', 'add', 'no-docker', '--host', world.ssh.url, '--docker-path', '/nowhere/docker', '--force']);
    await ok(s, ['engine', 'add', 'no-daemon', '--host', `${world.ssh.url}/nowhere/docker.sock`, '--force']);
    const engines = await json<Engine[]>(s, ['engine', 'list']);
    const error = (name: string): string => engines.find((e) => e.name === name)?.error ?? '';
    expect(error('unknown-key')).toMatch(/^the host key of ssh:\/\/root@localhost:\d+ is not known/);
    expect(error('refused')).toMatch(/^ssh refused the login to ssh:\/\/nobody@127\.0\.0\.1:\d+.*Permission denied/);
    expect(error('no-docker')).toMatch(/^docker was not found on ssh:\/\/root@127\.0\.0\.1:\d+ \(exit 127\).*--docker-path/);
    expect(error('no-daemon')).toMatch(/^the docker daemon is not running on ssh:\/\//);
    const r = await run(s, ['image', 'list', '--engine', 'refused']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: ssh refused the login/);
    // A password in the URL is refused (400).
    expect((await json<{ error: { code: number } }>(s, ['engine', 'add', 'pw', '--host', `ssh://root:secret@127.0.0.1:${port}`])).error).toMatchObject({ code: 400 });
  });
});
