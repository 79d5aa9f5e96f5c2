// Credentials checked as `docker login` does before a registry is saved, against real registries (Basic,
// and a token server): refused → 401 and nothing saved; asked-for but missing → saved with a warning;
// an edit with a wrong password keeps the old entry. Repositories: add/update the same.
import { afterEach, describe, expect, it } from 'vitest';
import type { AppError } from '../../../../src/domain/errors';
import { RegistryService } from '../../../../src/services/registries';
import { createRemoteServices } from '../../../../src/services/remote/index';
import { MemoryRegistryStore, testDeps } from '../../../fixtures/remote/deps';
import { FakeRegistry, sendJson, startServer, type TestServer } from '../../../fixtures/remote/servers';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup() {
  const fake = new FakeRegistry({ basic: { alice: 'right' } });
  fake.image('team/app', '1.0');
  const s = await fake.start();
  servers.push(s);
  const t = testDeps();
  const remote = createRemoteServices(t.deps);
  const warnings: string[] = [];
  const store = new MemoryRegistryStore();
  const registries = new RegistryService(store, 'https://registry-1.docker.io', remote.probe, (w) => warnings.push(w));
  return { s, registries, store, warnings };
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as AppError);

describe('credentials checked before saving a registry', () => {
  it('a wrong password is a 401 naming the registry and user; nothing is saved', async () => {
    const { s, registries, store } = await setup();
    const error = await failure(registries.add({ name: 'lab', url: s.url, username: 'alice', password: 'wrong' }));
    expect(error?.code).toBe(401);
    expect(error?.message).toBe(`${s.host} refused the credentials of user "alice" (from the credentials given)`);
    expect(error?.message).not.toContain('wrong');
    expect(store.read().registries).toEqual([]);
  });

  it('right credentials are saved; a registry that asks for credentials and has none is saved with a warning', async () => {
    const { s, registries, store, warnings } = await setup();
    await registries.add({ name: 'lab', url: s.url, username: 'alice', password: 'right' });
    expect(store.read().registries.map((r) => r.name)).toEqual(['lab']);
    expect(warnings).toEqual([]);
    await registries.remove('lab');
    await registries.add({ name: 'bare', url: s.url });
    expect(store.read().registries.map((r) => r.name)).toEqual(['bare']);
    expect(warnings).toEqual([
      `${s.host} asks for credentials and registry "bare" has none: its images will not be readable until you add them (\`stevedore registry edit bare --username U --password-stdin\`)`,
    ]);
  });

  it('an edit with a wrong password is refused and the saved entry stays as it was', async () => {
    const { s, registries, store } = await setup();
    await registries.add({ name: 'lab', url: s.url, username: 'alice', password: 'right' });
    const error = await failure(registries.edit('lab', { password: 'wrong' }));
    expect(error?.code).toBe(401);
    expect(store.read().registries[0]).toMatchObject({ name: 'lab', username: 'alice', password: 'right' });
  });

  it('a token registry: the realm refusing the credentials is a 401, nothing saved', async () => {
    const tokens = await startServer((req, res) => {
      const auth = req.headers.authorization ?? '';
      if (auth !== `Basic ${Buffer.from('alice:right').toString('base64')}`) return sendJson(res, 401, { details: 'incorrect username or password' });
      sendJson(res, 200, { token: 'tok', expires_in: 300 });
    });
    const registry = await startServer((req, res) =>
      req.headers.authorization === 'Bearer tok'
        ? sendJson(res, 200, {}, { 'docker-distribution-api-version': 'registry/2.0' })
        : sendJson(res, 401, {}, { 'www-authenticate': `Bearer realm="${tokens.url}/token",service="r"`, 'docker-distribution-api-version': 'registry/2.0' }),
    );
    servers.push(tokens, registry);
    const t = testDeps();
    const store = new MemoryRegistryStore();
    const registries = new RegistryService(store, 'https://registry-1.docker.io', createRemoteServices(t.deps).probe);
    expect((await failure(registries.add({ name: 'tok', url: registry.url, username: 'alice', password: 'nope' })))?.code).toBe(401);
    expect(store.read().registries).toEqual([]);
    await registries.add({ name: 'tok', url: registry.url, username: 'alice', password: 'right' });
    expect(store.read().registries.map((r) => r.name)).toEqual(['tok']);
  });

  it('repo add: wrong credentials → 401 and nothing saved; none where some are asked for → saved with a warning', async () => {
    const fake = new FakeRegistry({ basic: { alice: 'right' } });
    fake.image('team/app', '1.0');
    const s = await fake.start();
    servers.push(s);
    const t = testDeps();
    const remote = createRemoteServices(t.deps);
    const wrong = await failure(remote.repositories.add(`${s.host}/team/app`, { username: 'alice', password: 'wrong' }));
    expect(wrong?.code).toBe(401);
    expect(t.store.read().repositories).toEqual([]);
    await remote.repositories.add(`${s.host}/team/app`);
    expect(t.store.read().repositories.map((r) => r.name)).toEqual([`${s.host}/team/app`]);
    expect(t.warnings.join('\n')).toContain(`${s.host}/team/app asks for credentials and none were given or found`);
    const bad = await failure(remote.repositories.update(`${s.host}/team/app`, { username: 'alice', password: 'wrong' }));
    expect(bad?.code).toBe(401);
    expect(t.store.read().repositories[0]).toMatchObject({ username: '', password: '' });
  });
});
