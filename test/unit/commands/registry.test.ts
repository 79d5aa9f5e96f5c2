import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Unreachable } from '../../../src/domain/errors';
import type { RegistryProbe } from '../../../src/services/registries';
import { tempDir } from '../helpers';
import { runCli } from './cliHarness';

const probe = (version: 'v1' | 'v2' = 'v2', fingerprint = 'AA:BB'): RegistryProbe & { pings: string[] } => {
  const pings: string[] = [];
  return {
    pings,
    ping: async (url) => {
      pings.push(url);
      if (url.includes('down.example')) throw new Unreachable(`cannot reach the registry at ${url}`);
      return version;
    },
    certificateFingerprint: async () => fingerprint,
  };
};

describe('stevedore registry', () => {
  it('lists Docker Hub first, masked passwords, in the seed shape', async () => {
    const dir = tempDir();
    expect((await runCli(dir, ['registry', 'add', 'lab', '--url', 'https://lab.example:5000', '--api', 'v2', '--username', 'me', '--password-stdin'], { stdin: 'pa55word\n' })).code).toBe(0);
    const list = await runCli(dir, ['registry', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(list.json()).toEqual([
      { name: 'Docker Hub', url: 'https://registry-1.docker.io', enable_trust_cert: false, username: '', password: '', version: 'v2' },
      { name: 'lab', url: 'https://lab.example:5000', enable_trust_cert: false, username: 'me', password: '********', version: 'v2' },
    ]);
    expect(list.stdout).not.toContain('pa55word');
    const human = await runCli(dir, ['registry', 'list']);
    expect(human.stdout.split('\n')[1]).toMatch(/^Docker Hub\s+https:\/\/registry-1\.docker\.io/);
    expect(human.stdout).toContain('********');
    expect(human.stdout).not.toContain('pa55word');
    // The secret is on disk only, in a 0600 file.
    const file = join(dir, 'registries.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('pa55word');
  });

  it('answers 403 for Docker Hub, 409 for duplicates, 400 for bad input, 404 for unknown, exit 1', async () => {
    const dir = tempDir();
    await runCli(dir, ['registry', 'add', 'lab', '--url', 'http://lab.example:5000', '--api', 'v2']);
    const cases: [string[], number, RegExp][] = [
      [['registry', 'edit', 'Docker Hub', '--url', 'https://x.example'], 403, /"Docker Hub" cannot be edited/],
      [['registry', 'rm', 'docker hub'], 403, /cannot be removed/],
      [['registry', 'add', 'LAB', '--url', 'https://other.example', '--api', 'v2'], 409, /already exists/],
      [['registry', 'add', 'Docker Hub', '--url', 'https://other.example', '--api', 'v2'], 409, /already exists/],
      [['registry', 'add', 'twin', '--url', 'http://lab.example:5000', '--api', 'v2'], 409, /already uses lab\.example:5000/],
      [['registry', 'add', 'bad', '--url', 'https://user:pw@reg.example', '--api', 'v2'], 400, /must not carry credentials/],
      [['registry', 'add', 'bad', '--url', 'ftp://reg.example', '--api', 'v2'], 400, /only http:\/\/ and https:\/\//],
      [['registry', 'add', 'bad', '--url', 'https://reg.example/some/path', '--api', 'v2'], 400, /only scheme, host and port/],
      [['registry', 'rm', 'nope'], 404, /Registry not found: nope/],
    ];
    for (const [argv, code, message] of cases) {
      const run = await runCli(dir, [...argv, '--json']);
      expect(run.code, argv.join(' ')).toBe(1);
      const body = run.json() as { error: { code: number; message: string } };
      expect(body.error.code, argv.join(' ')).toBe(code);
      expect(body.error.message).toMatch(message);
      const human = await runCli(dir, argv);
      expect(human.code).toBe(1);
      expect(human.stderr).toMatch(/^error: /);
      expect(human.stderr.trim().split('\n')).toHaveLength(1);
      expect(human.stdout).toBe('');
    }
    // the password never in argv: there is no such flag
    const usage = await runCli(dir, ['registry', 'add', 'x', '--url', 'https://x.example', '--password', 'oops', '--json']);
    expect(usage.code).toBe(2);
    expect(usage.json()).toEqual({ error: { code: 400, message: expect.stringMatching(/unknown option '--password'/) } });
    const typo = await runCli(dir, ['registry', 'add', 'x', '--url', 'https://x.example', '--password=hunter2', '--json']);
    expect(typo.stdout).not.toContain('hunter2');
    expect(typo.json()).toEqual({ error: { code: 400, message: expect.stringMatching(/--password=\*\*\*/) } });
    const inUrl = await runCli(dir, ['registry', 'add', 'x', '--url', 'https://bob:Secret1@ho st:5000']);
    expect(inUrl.stderr).not.toContain('Secret1');
    const badApi = await runCli(dir, ['registry', 'add', 'x', '--url', 'https://x.example', '--api', 'v3']);
    expect(badApi.code).toBe(2);
    expect(badApi.stderr).toMatch(/--api must be one of v1, v2/);
  });

  it('asks ping for the version when --api is not given, and says so when the registry is down', async () => {
    const dir = tempDir();
    const p = probe('v1');
    const added = await runCli(dir, ['registry', 'add', 'old', '--url', 'old.example', '--json'], { probe: p });
    expect(added.json()).toMatchObject({ name: 'old', url: 'https://old.example', version: 'v1' });
    expect(p.pings).toEqual(['https://old.example']);
    const down = await runCli(dir, ['registry', 'add', 'down', '--url', 'https://down.example', '--json'], { probe: p });
    expect(down.json()).toEqual({ error: { code: 503, message: 'cannot reach the registry at https://down.example' } });
  });

  it('renames and moves a registry with its saved repositories, and refuses to remove one in use', async () => {
    const dir = tempDir();
    await runCli(dir, ['registry', 'add', 'lab', '--url', 'https://lab.example:5000', '--api', 'v2']);
    // A saved repository of that registry (the repo commands arrive with the remote side).
    const { RegistryStore } = await import('../../../src/store/registryStore');
    new RegistryStore(dir, () => undefined).update((d) => ({ ...d, repositories: [{ name: 'lab.example:5000/team/app', username: '', password: '' }] }));

    const renamed = await runCli(dir, ['registry', 'edit', 'lab', '--name', 'lab2', '--url', 'https://lab2.example', '--json']);
    expect(renamed.json()).toMatchObject({ name: 'lab2', url: 'https://lab2.example' });
    const data = new RegistryStore(dir, () => undefined).read();
    expect(data.repositories.map((r) => r.name)).toEqual(['lab2.example/team/app']);

    const rm = await runCli(dir, ['registry', 'rm', 'lab2', '--json']);
    expect(rm.code).toBe(1);
    expect(rm.json()).toEqual({ error: { code: 409, message: expect.stringMatching(/used by saved repositories: lab2\.example\/team\/app \(remove them first/) } });
  });

  it('pins the certificate with --trust-cert and drops the pin with --no-trust-cert', async () => {
    const dir = tempDir();
    await runCli(dir, ['registry', 'add', 'self', '--url', 'https://self.example', '--trust-cert', '--api', 'v2'], { probe: probe('v2', 'FP:1') });
    const { RegistryStore } = await import('../../../src/store/registryStore');
    const read = () => new RegistryStore(dir, () => undefined).read().registries[0];
    expect(read()).toMatchObject({ trustCert: true, pinnedCertSha256: 'FP:1' });
    await runCli(dir, ['registry', 'edit', 'self', '--trust-cert'], { probe: probe('v2', 'FP:2') });
    expect(read()?.pinnedCertSha256).toBe('FP:2');
    await runCli(dir, ['registry', 'edit', 'self', '--no-trust-cert']);
    expect(read()).toMatchObject({ trustCert: false });
    expect(read()?.pinnedCertSha256).toBeUndefined();
  });

  it('needs a password source on a non-terminal when a username is given', async () => {
    const dir = tempDir();
    const run = await runCli(dir, ['registry', 'add', 'lab', '--url', 'https://lab.example', '--api', 'v2', '--username', 'me']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: a password is needed and standard input is not a terminal: use --password-stdin\n');
  });

  it('shows help for a noun without a verb (exit 2) and for --help (exit 0)', async () => {
    const dir = tempDir();
    const bare = await runCli(dir, ['registry']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/Usage: stevedore registry/);
    const help = await runCli(dir, ['registry', 'add', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--password-stdin/);
    const bareJson = await runCli(dir, ['registry', '--json']);
    expect(bareJson.code).toBe(2);
    expect(bareJson.json()).toEqual({ error: { code: 400, message: 'a verb is needed: see `stevedore registry --help`' } });
    const unknown = await runCli(dir, ['registry', 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});

describe('stevedore config', () => {
  it('lists, gets and sets settings with validation', async () => {
    const dir = tempDir();
    expect((await runCli(dir, ['config', 'list', '--json'])).json()).toMatchObject({ catalog: '', 'downloads.concurrency': 2, 'http.timeout': 15, platform: '', 'keys.escape_ms': 0 });
    expect((await runCli(dir, ['config', 'set', 'downloads.concurrency', '3', '--json'])).json()).toEqual({ key: 'downloads.concurrency', value: 3 });
    expect((await runCli(dir, ['config', 'get', 'downloads.concurrency'])).stdout).toBe('3\n');
    const bad = await runCli(dir, ['config', 'set', 'http.timeout', 'forever', '--json']);
    expect(bad.code).toBe(1);
    expect(bad.json()).toEqual({ error: { code: 400, message: 'http.timeout must be a whole number from 1 to 300' } });
    const unknown = await runCli(dir, ['config', 'get', 'colour']);
    expect(unknown.stderr).toMatch(/unknown setting "colour": one of catalog, downloads.concurrency, http.timeout, platform/);
    expect((await runCli(dir, ['config', 'set', 'platform', 'Linux/ARM64'])).stdout).toBe('platform = linux/arm64\n');
    expect((await runCli(dir, ['config', 'set', 'catalog', 'http://insecure.example/c.json'])).stderr).toMatch(/https:\/\//);
    // Update checks (issue 12): a duration and a small count.
    expect((await runCli(dir, ['config', 'list', '--json'])).json()).toMatchObject({ 'updates.ttl': '6h', 'updates.concurrency': 4 });
    expect((await runCli(dir, ['config', 'set', 'updates.ttl', '30M'])).stdout).toBe('updates.ttl = 30m\n');
    expect((await runCli(dir, ['config', 'set', 'updates.ttl', 'soon', '--json'])).json()).toEqual({
      error: { code: 400, message: 'updates.ttl must be a duration such as 30m, 6h or 1d (at most 30d; 0 = always check again)' },
    });
    expect((await runCli(dir, ['config', 'set', 'updates.concurrency', '0'])).stderr).toMatch(/updates.concurrency must be a whole number from 1 to 32/);
  });

  it('warns about a recovered settings file in the JSON result', async () => {
    const dir = tempDir();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'settings.json'), '[1,2');
    const run = await runCli(dir, ['config', 'list', '--json']);
    expect(run.code).toBe(0);
    const body = run.json() as { warnings: string[] };
    expect(body.warnings[0]).toMatch(/settings\.json was not valid JSON/);
  });
});
