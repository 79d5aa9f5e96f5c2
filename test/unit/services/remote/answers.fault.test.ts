// Silent or misleading answers, against real servers: tags and names that are not valid are left out with a
// counted warning (not rewritten into names that do not exist); a --platform the image does not have is a
// 404 naming what it has (inspect, and pull before anything is queued); a loopback registry that speaks TLS,
// asked over plain http, names the likely cause.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPlatform } from '../../../../src/views/remote';
import type { AppError } from '../../../../src/domain/errors';
import { createRemoteServices } from '../../../../src/services/remote/index';
import { testDeps } from '../../../fixtures/remote/deps';
import { FakeRegistry, sendJson, startServer, type TestServer } from '../../../fixtures/remote/servers';

const servers: TestServer[] = [];
const raw: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const s of raw.splice(0)) s.close();
});
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as AppError);

describe('answers that are not what they claim', () => {
  it('tags that are not tag names (empty, control characters, 300 characters) are left out and counted', async () => {
    const s = await startServer((_req, res) => sendJson(res, 200, { name: 'team/app', tags: ['1.0', '', 'bad\u001b[2Jtag', 'x'.repeat(300), 'latest', '-dash'] }));
    servers.push(s);
    const t = testDeps();
    t.addRegistry('lab', s.url);
    const list = await createRemoteServices(t.deps).tags.list('team/app', { registry: 'lab' });
    expect(list.tags).toEqual(['latest', '1.0']);
    expect(list.warnings).toEqual([`${s.host}/team/app: left out 4 tags the registry sent that are not valid tag names (empty, control characters, or over 128 characters)`]);
  });

  it('catalog names that are not repository names are left out and counted', async () => {
    const s = await startServer((_req, res) => sendJson(res, 200, { repositories: ['team/app', 'evil\u001b]0;x\u0007', 'UPPER/case', '', 'ok/one'] }));
    servers.push(s);
    const t = testDeps();
    t.addRegistry('lab', s.url);
    const result = await createRemoteServices(t.deps).depots.list({ category: 'private', registry: 'lab' });
    expect(result.results.map((r) => r.name)).toEqual([`${s.host}/ok/one`, `${s.host}/team/app`]);
    expect(result.warnings).toContain('lab: left out 3 names that are not valid repository names (control characters, or not a name at all)');
  });

  it('a --platform a single-platform image does not have is a 404 naming the one it has (inspect; pull refuses before queueing)', async () => {
    const fake = new FakeRegistry();
    fake.image('team/app', '1.0', { platform: { os: 'linux', architecture: 'amd64' } });
    fake.index('team/multi', '1.0', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    const s = await fake.start();
    servers.push(s);
    const t = testDeps();
    t.addRegistry('lab', s.url);
    const remote = createRemoteServices(t.deps);
    const single = await failure(remote.inspect.remote(`${s.host}/team/app:1.0`, { platform: 'linux/arm64' }));
    expect(single?.code).toBe(404);
    expect(single?.describe()).toBe(`Image not found: ${s.host}/team/app:1.0 for platform linux/arm64 (it has linux/amd64 only)`);
    expect((await remote.inspect.remote(`${s.host}/team/app:1.0`, { platform: 'linux/amd64' })).platform).toBe('linux/amd64');
    const multi = await failure(remote.inspect.remote(`${s.host}/team/multi:1.0`, { platform: 'linux/s390x' }));
    expect(multi?.describe()).toContain('it has linux/amd64, linux/arm64/v8');

    const services = { remote: async () => remote };
    const refused = await failure(checkPlatform(services, `${s.host}/team/app:1.0`, { platform: 'linux/arm64' }));
    expect(refused?.code).toBe(404);
    await checkPlatform(services, `${s.host}/team/app:1.0`, { platform: 'linux/amd64' });
    // A registry stevedore cannot read is left to the engine (no refusal).
    await checkPlatform(services, '127.0.0.1:1/team/app:1.0', { platform: 'linux/arm64' });
  });

  it('a loopback registry that speaks TLS, asked over plain http, names the likely cause', async () => {
    // What Go's TLS server (the reference registry) answers to a plain-http request.
    const server = net.createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n'));
      socket.on('error', () => undefined);
    });
    raw.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const t = testDeps();
    const error = await failure(createRemoteServices(t.deps).tags.list(`127.0.0.1:${port}/team/app`));
    expect(error?.code).toBe(502);
    expect(error?.describe()).toBe(
      `127.0.0.1:${port} speaks https, and was asked over plain http (for the tags of 127.0.0.1:${port}/team/app) (add it as a registry: \`stevedore registry add NAME --url https://127.0.0.1:${port}\` (with --trust-cert for a self-signed certificate))`,
    );
  });
});
