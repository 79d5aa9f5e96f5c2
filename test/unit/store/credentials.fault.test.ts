// Credential helpers that misbehave, as real processes on PATH: one that hangs (and leaves a child
// running), one that prints garbage, one that fails. Each runs once per registry host per process, under
// one short deadline; a hung one is killed with its whole process group; failures are named.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Authenticator, RegistryV2Client, Transport } from '../../../src/clients/registry/index';
import { CredentialResolver } from '../../../src/store/credentials';
import type { RegistryData } from '../../../src/store/registryStore';
import { sendJson, startServer, type TestServer } from '../../fixtures/remote/servers';
import { tempDir } from '../helpers';

const store = { read: (): RegistryData => ({ registries: [], repositories: [] }) };
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** docker-credential-<name> with this shell body; every run appends a line to `runs`. */
function helper(name: string, body: string): { env: NodeJS.ProcessEnv; runs: () => number } {
  const bin = tempDir('helper-bin-');
  const log = join(bin, 'runs.log');
  const file = join(bin, `docker-credential-${name}`);
  writeFileSync(file, `#!/bin/sh\nread server\necho "$server" >> ${log}\n${body}\n`);
  chmodSync(file, 0o755);
  const config = tempDir('docker-config-');
  writeFileSync(join(config, 'config.json'), JSON.stringify({ credsStore: name }));
  return {
    env: { DOCKER_CONFIG: config, PATH: `${bin}:${process.env.PATH ?? ''}` },
    runs: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0),
  };
}

function running(marker: string): boolean {
  try {
    return execFileSync('pgrep', ['-f', marker]).toString().trim() !== '';
  } catch {
    return false;
  }
}

describe('credential helpers that misbehave', () => {
  it('a hanging helper costs one short deadline once per host, is killed with its children, and is named', async () => {
    const marker = `${Date.now() % 100000}.7531`;
    const h = helper('hang', `sleep ${marker} &\nsleep ${marker}`);
    const warnings: string[] = [];
    const r = new CredentialResolver(store, { env: h.env, helperTimeoutMs: 500, warn: (w) => warnings.push(w) });
    // The helper sleeps for a day: coming back at all means the 0.5 s deadline fired (the warning says so below).
    const t0 = Date.now();
    expect(await r.resolve({ host: 'lab.example:5000', repository: 'team/app' })).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(15_000);
    // Asked again in the same process (another repository of the host): no second run, so no second wait.
    expect(await r.resolve({ host: 'lab.example:5000', repository: 'team/other' })).toBeUndefined();
    expect(h.runs()).toBe(1);
    expect(warnings).toEqual(['docker-credential-hang failed: no answer within 0.5 s (stopped it)']);
    expect(r.problem('lab.example:5000')).toBe('docker-credential-hang failed: no answer within 0.5 s (stopped it)');
    // Its process group is gone: the helper and the child it left behind.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(running(`sleep ${marker}`)).toBe(false);
  });

  it('garbage from a helper is named, and the 401 says so instead of "none were found"', async () => {
    const h = helper('garbage', 'echo "hello, world"');
    const warnings: string[] = [];
    const r = new CredentialResolver(store, { env: h.env, warn: (w) => warnings.push(w) });
    const registry = await startServer((_req, res) => sendJson(res, 401, {}, { 'www-authenticate': 'Basic realm="lab"' }));
    servers.push(registry);
    const transport = new Transport({ timeoutMs: 2_000, sleep: async () => undefined });
    const client = new RegistryV2Client({
      baseUrl: registry.url,
      transport,
      auth: new Authenticator(transport),
      credential: async (repository) => r.resolve({ host: registry.host, ...(repository ? { repository } : {}) }),
      credentialProblem: () => r.problem(registry.host),
    });
    const error = (await client.tags('team/app').catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(`${registry.host} needs credentials for team/app, and docker-credential-garbage failed: it printed something that is not credentials`);
    expect(warnings).toEqual(['docker-credential-garbage failed: it printed something that is not credentials']);
    expect(h.runs()).toBe(1);
  });

  it('a helper that fails says how; "credentials not found" is just none; a good one answers once per host', async () => {
    const failing = helper('broken', 'echo "keychain locked" >&2; exit 3');
    const w1: string[] = [];
    expect(await new CredentialResolver(store, { env: failing.env, warn: (w) => w1.push(w) }).resolve({ host: 'a.example' })).toBeUndefined();
    expect(w1).toEqual(['docker-credential-broken failed: exit status 3: keychain locked']);

    const none = helper('none', 'echo "credentials not found in native keychain"; exit 1');
    const w2: string[] = [];
    const rn = new CredentialResolver(store, { env: none.env, warn: (w) => w2.push(w) });
    expect(await rn.resolve({ host: 'b.example' })).toBeUndefined();
    expect(w2).toEqual([]);
    expect(rn.problem('b.example')).toBeUndefined();

    const good = helper('good', `echo '{"ServerURL":"c.example","Username":"u","Secret":"s3cret"}'`);
    const rg = new CredentialResolver(store, { env: good.env });
    expect(await rg.resolve({ host: 'c.example', repository: 'x' })).toEqual({ kind: 'basic', username: 'u', password: 's3cret', source: 'docker-credential-good' });
    expect(await rg.resolve({ host: 'c.example', repository: 'y' })).toMatchObject({ username: 'u' });
    expect(await rg.resolve({ host: 'd.example' })).toMatchObject({ username: 'u' });
    // Once per host: c.example and d.example.
    expect(good.runs()).toBe(2);
  });
});
