// Saved repositories (seed: Docker Cloud external repositories) against a Basic-auth fake registry:
// add checks access with the given credentials (401 on wrong ones, nothing saved), 409 on a duplicate,
// show never returns the password, update re-checks, remove, list filters, in_use, registry names.
import { afterEach, describe, expect, it } from 'vitest';
import { createRemoteServices } from '../../../../src/services/remote/index';
import { testDeps } from '../../../fixtures/remote/deps';
import { FakeRegistry, type TestServer } from '../../../fixtures/remote/servers';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup() {
  const fake = new FakeRegistry({ basic: { bob: 'hunter2' } });
  fake.image('team/app', '1.0');
  fake.image('team/other', '1.0');
  const s = await fake.start();
  servers.push(s);
  const t = testDeps();
  return { s, t, remote: createRemoteServices(t.deps) };
}

describe('saved repositories', () => {
  it('add checks the credentials first: wrong ones are a 401 naming the user, and nothing is saved', async () => {
    const { s, t, remote } = await setup();
    const error = await remote.repositories.add(`${s.host}/team/app`, { username: 'bob', password: 'wrong' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 401 });
    expect((error as Error).message).toBe(`${s.host} refused the credentials of user "bob" (from the credentials given)`);
    expect(JSON.stringify(error)).not.toContain('wrong');
    expect(t.store.data.repositories).toEqual([]);
  });

  it('add, show (no password), 409 on a duplicate, list, update, remove', async () => {
    const { s, t, remote } = await setup();
    t.addRegistry('lab', s.url);
    const added = await remote.repositories.add(`${s.host}/team/app`, { username: 'bob', password: 'hunter2' });
    expect(added).toEqual({ name: `${s.host}/team/app`, registry: 'lab', inUse: false, username: 'bob' });
    expect(t.store.data.repositories).toEqual([{ name: `${s.host}/team/app`, username: 'bob', password: 'hunter2' }]);
    expect(JSON.stringify(await remote.repositories.show(`${s.host}/team/app`))).not.toContain('hunter2');
    await expect(remote.repositories.add(`${s.host}/team/app`, { username: 'bob', password: 'hunter2' })).rejects.toMatchObject({ code: 409 });
    await remote.repositories.add(`${s.host}/team/other`, { username: 'bob', password: 'hunter2' });
    expect((await remote.repositories.list({ name: 'OTHER' })).map((r) => r.name)).toEqual([`${s.host}/team/other`]);
    expect(await remote.repositories.list({ registry: 'lab' })).toHaveLength(2);
    expect(await remote.repositories.list({ registry: 'Docker Hub' })).toEqual([]);
    await expect(remote.repositories.update(`${s.host}/team/app`, { username: 'bob', password: 'bad' })).rejects.toMatchObject({ code: 401 });
    expect(t.store.data.repositories[0]?.password).toBe('hunter2');
    const removed = await remote.repositories.remove(`${s.host}/team/app`);
    expect(removed).toEqual({ name: `${s.host}/team/app`, registry: 'lab', inUse: false });
    await expect(remote.repositories.show(`${s.host}/team/app`)).rejects.toThrow(`Repository not found: ${s.host}/team/app`);
  });

  it('the saved credentials are used for that repository (first in precedence)', async () => {
    const { s, t, remote } = await setup();
    t.addRegistry('lab', s.url);
    await remote.repositories.add(`${s.host}/team/app`, { username: 'bob', password: 'hunter2' });
    const tags = await remote.tags.list(`${s.host}/team/app`);
    expect(tags.tags).toEqual(['1.0']);
    // Another repository of the same host has no credentials of its own and the registry has none.
    await expect(remote.tags.list(`${s.host}/team/other`)).rejects.toMatchObject({ code: 401 });
  });

  it('in_use when a local image or a container uses it; registry null for an unconfigured host', async () => {
    const { s, t, remote } = await setup();
    await remote.repositories.add(`${s.host}/team/app`, { username: 'bob', password: 'hunter2' });
    t.containers = new Set([`${s.host}/team/app`]);
    t.local = new Map();
    expect(await remote.repositories.show(`${s.host}/team/app`)).toMatchObject({ inUse: true, registry: null });
    t.containers = new Set();
    t.local = new Map([[`${s.host}/team/app`, new Set(['1.0'])]]);
    expect((await remote.repositories.list())[0]?.inUse).toBe(true);
  });

  it('a name with a tag, or a password without a user, is a 400', async () => {
    const { s, remote } = await setup();
    await expect(remote.repositories.add(`${s.host}/team/app:1.0`)).rejects.toMatchObject({ code: 400 });
    await expect(remote.repositories.add(`${s.host}/team/app`, { password: 'x' })).rejects.toMatchObject({ code: 400 });
  });
});
