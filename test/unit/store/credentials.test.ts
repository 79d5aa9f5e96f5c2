import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialResolver, candidateKeys } from '../../../src/store/credentials';
import type { RegistryData } from '../../../src/store/registryStore';
import { tempDir } from '../helpers';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function storeWith(data: Partial<RegistryData>) {
  return { read: (): RegistryData => ({ registries: [], repositories: [], ...data }) };
}

function dockerConfig(content: unknown): string {
  const dir = tempDir('docker-config-');
  writeFileSync(join(dir, 'config.json'), JSON.stringify(content));
  return dir;
}

/** A fake docker-credential-<name> on PATH that answers from a table and logs what it was asked. */
function fakeHelper(name: string, table: Record<string, { Username: string; Secret: string }>): { path: string; log: string } {
  const bin = tempDir('helper-bin-');
  const log = join(bin, 'asked.log');
  const script = `#!/bin/sh
read server
echo "$1 $server" >> ${log}
case "$server" in
${Object.entries(table)
  .map(([server, v]) => `  '${server}') echo '${JSON.stringify({ ServerURL: server, ...v })}' ;;`)
  .join('\n')}
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;
  const file = join(bin, `docker-credential-${name}`);
  writeFileSync(file, script);
  chmodSync(file, 0o755);
  return { path: `${bin}:${process.env.PATH ?? ''}`, log };
}

describe('credential resolution', () => {
  const registry = { name: 'lab', url: 'https://lab.example:5000', trustCert: false, username: 'reg-user', password: 'reg-pass', version: 'v2' as const };

  it('prefers the saved repository, then the registry, then docker config', async () => {
    const DOCKER_CONFIG = dockerConfig({ auths: { 'lab.example:5000': { auth: b64('cfg-user:cfg-pass') } } });
    const repos = [{ name: 'lab.example:5000/team/app', username: 'repo-user', password: 'repo-pass' }];
    const r = new CredentialResolver(storeWith({ registries: [registry], repositories: repos }), { env: { DOCKER_CONFIG } });
    expect(await r.resolve({ host: 'lab.example:5000', repository: 'team/app' })).toMatchObject({ username: 'repo-user', password: 'repo-pass', source: 'saved repository lab.example:5000/team/app' });
    expect(await r.resolve({ host: 'lab.example:5000', repository: 'team/other' })).toMatchObject({ username: 'reg-user', source: 'registry "lab"' });
    const bare = new CredentialResolver(storeWith({}), { env: { DOCKER_CONFIG } });
    expect(await bare.resolve({ host: 'lab.example:5000' })).toMatchObject({ kind: 'basic', username: 'cfg-user', password: 'cfg-pass' });
    expect(await bare.resolve({ host: 'elsewhere.example' })).toBeUndefined();
  });

  it("reads docker login's keys for Docker Hub, identity tokens and scheme-prefixed keys", async () => {
    const DOCKER_CONFIG = dockerConfig({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass:with:colons') },
        'https://ghcr.example': { identitytoken: 'tok-123', username: 'someone' },
      },
    });
    const r = new CredentialResolver(storeWith({}), { env: { DOCKER_CONFIG } });
    expect(await r.resolve({ host: 'docker.io', repository: 'library/redis' })).toMatchObject({ username: 'hubuser', password: 'hub:pass:with:colons' });
    expect(await r.resolve({ host: 'ghcr.example' })).toMatchObject({ kind: 'identitytoken', token: 'tok-123' });
  });

  it('asks credHelpers for their host and credsStore for the rest', async () => {
    const helper = fakeHelper('fake', {
      'lab.example:5000': { Username: 'helper-user', Secret: 'helper-secret' },
      'https://index.docker.io/v1/': { Username: '<token>', Secret: 'hub-identity' },
    });
    const DOCKER_CONFIG = dockerConfig({ auths: { 'lab.example:5000': {} }, credHelpers: { 'lab.example:5000': 'fake' }, credsStore: 'fake' });
    const r = new CredentialResolver(storeWith({}), { env: { DOCKER_CONFIG, PATH: helper.path } });
    expect(await r.resolve({ host: 'lab.example:5000' })).toEqual({ kind: 'basic', username: 'helper-user', password: 'helper-secret', source: 'docker-credential-fake' });
    expect(await r.resolve({ host: 'docker.io' })).toEqual({ kind: 'identitytoken', username: '', token: 'hub-identity', source: 'docker-credential-fake' });
    expect(await r.resolve({ host: 'unknown.example' })).toBeUndefined();
  });

  it('warns, and goes on without credentials, when a helper is missing or the config is broken', async () => {
    const warnings: string[] = [];
    const DOCKER_CONFIG = dockerConfig({ credsStore: 'does-not-exist' });
    const r = new CredentialResolver(storeWith({}), { env: { DOCKER_CONFIG, PATH: '/nonexistent' }, warn: (w) => warnings.push(w) });
    expect(await r.resolve({ host: 'lab.example:5000' })).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/docker-credential-does-not-exist not found on PATH/);

    const broken = tempDir('docker-config-');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'config.json'), '{not json');
    const w2: string[] = [];
    expect(await new CredentialResolver(storeWith({}), { env: { DOCKER_CONFIG: broken }, warn: (w) => w2.push(w) }).resolve({ host: 'x.example' })).toBeUndefined();
    expect(w2[0]).toMatch(/not valid JSON/);
  });

  it('leaves out entries and fields of docker config.json that have another shape, and keeps the others', async () => {
    const DOCKER_CONFIG = dockerConfig({
      auths: { 'good.example': { auth: b64('u:p') }, 'list.example': ['x'], 'null.example': null, 'odd.example': { auth: 5, username: ['u'] } },
      credHelpers: { 'h.example': 7 },
      credsStore: { name: 'x' },
    });
    const r = new CredentialResolver(storeWith({}), { env: { DOCKER_CONFIG, PATH: '/nonexistent' } });
    expect(await r.resolve({ host: 'good.example' })).toMatchObject({ username: 'u', password: 'p' });
    for (const host of ['list.example', 'null.example', 'odd.example', 'h.example']) expect(await r.resolve({ host })).toBeUndefined();
    for (const content of [[], null, 'text', { auths: [] }]) {
      expect(await new CredentialResolver(storeWith({}), { env: { DOCKER_CONFIG: dockerConfig(content), PATH: '/nonexistent' } }).resolve({ host: 'good.example' })).toBeUndefined();
    }
  });

  it('never runs a helper whose name is not a plain word', async () => {
    const warnings: string[] = [];
    const DOCKER_CONFIG = dockerConfig({ credsStore: '../../bin/sh' });
    const r = new CredentialResolver(storeWith({}), { env: { DOCKER_CONFIG }, warn: (w) => warnings.push(w) });
    expect(await r.resolve({ host: 'x.example' })).toBeUndefined();
    expect(warnings[0]).toMatch(/not a plain name/);
  });

  it('knows the config keys docker uses', () => {
    expect(candidateKeys('docker.io')[0]).toBe('https://index.docker.io/v1/');
    expect(candidateKeys('Lab.Example:5000')).toContain('https://lab.example:5000');
  });
});
