// The engine calls disk truth needs (issue 23), against a small fake engine on a unix socket: an image's
// layers (RootFS.Layers), its history, the lineage of every image (?all=1), and the API version pinned the way
// the docker CLI pins it (DOCKER_API_VERSION → every path under /v1.41).
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadResponse } from '../../../../src/domain/errors';
import { EngineClient } from '../../../../src/clients/engine/client';
import { parseHost } from '../../../../src/clients/engine/endpoint';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
let dir: string;
let socket: string;
let server: http.Server;
const paths: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sd-client-disk-'));
  socket = join(dir, 'engine.sock');
  server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = url.pathname.replace(/^\/v1\.41/, '');
    if (/^\/v1\.(?!41)/.test(url.pathname)) return json(400, { message: 'client version 1.99 is too new. Maximum supported API version is 1.41' });
    if (path === '/_ping') return void res.end('OK');
    if (path === '/images/app:1/json') return json(200, { Id: 'sha256:aa', RootFS: { Type: 'layers', Layers: [D1, D2] } });
    if (path === '/images/empty/json') return json(200, { Id: 'sha256:bb', RootFS: { Type: 'layers' } });
    if (path === '/images/odd/json') return json(200, { Id: 'sha256:cc', RootFS: { Type: 'layers', Layers: ['not-a-digest\u001b[31m'] } });
    if (path === '/images/app:1/history')
      return json(200, [
        { Id: 'sha256:aa', Created: 1, CreatedBy: 'COPY app / # buildkit', Tags: ['app:1'], Size: 300, Comment: '' },
        { Id: '<missing>', Created: 1, CreatedBy: 'ENV A=1', Tags: null, Size: 0, Comment: '' },
        { Id: '<missing>', Created: 1, CreatedBy: 'ADD rootfs.tar /', Tags: null, Size: 7000, Comment: '' },
      ]);
    if (path === '/images/odd/history') return json(200, [{ CreatedBy: 'RUN x' }]);
    if (path === '/images/json' && url.searchParams.get('all') === '1')
      return json(200, [
        { Id: 'sha256:aa', ParentId: 'sha256:mid', RepoTags: ['app:1'], RepoDigests: null },
        { Id: 'sha256:mid', ParentId: '', RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'] },
        { Id: 'sha256:dd', RepoTags: null, RepoDigests: ['app@sha256:ee'] },
      ]);
    json(404, { message: `no route ${url.pathname}` });
  });
  await new Promise<void>((r) => server.listen(socket, r));
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const client = (env: NodeJS.ProcessEnv = {}, apiVersion?: string) =>
  new EngineClient(parseHost(`unix://${socket}`, 'DOCKER_HOST', null), env, apiVersion ? { apiVersion } : {});

describe('EngineClient: layers, history, lineage', () => {
  it("reads an image's layers (diff IDs, bottom first); none when RootFS has none", async () => {
    expect(await client().imageLayers('app:1')).toEqual([D1, D2]);
    expect(await client().imageLayers('empty')).toEqual([]);
  });

  it('refuses layers that are not sha256 digests, in one line without the control characters', async () => {
    const error = await client()
      .imageLayers('odd')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadResponse);
    expect((error as Error).message).toBe("the engine's RootFS.Layers of odd is not a list of sha256 digests");
  });

  it('reads the history newest first with the bytes of each step; an entry without a size is refused', async () => {
    expect(await client().imageHistory('app:1')).toEqual([
      { size: 300, createdBy: 'COPY app / # buildkit' },
      { size: 0, createdBy: 'ENV A=1' },
      { size: 7000, createdBy: 'ADD rootfs.tar /' },
    ]);
    await expect(client().imageHistory('odd')).rejects.toBeInstanceOf(BadResponse);
  });

  it('lists how images descend from each other, with whether anything names them', async () => {
    expect(await client().listImageParents()).toEqual([
      { id: 'sha256:aa', parentId: 'sha256:mid', referenced: true },
      { id: 'sha256:mid', parentId: '', referenced: false },
      { id: 'sha256:dd', parentId: '', referenced: true },
    ]);
  });
});

describe('EngineClient: the API version', () => {
  it('sends every path under /v1.41 when DOCKER_API_VERSION says so (as the docker CLI does), or the option', async () => {
    paths.length = 0;
    await client({ DOCKER_API_VERSION: '1.41' }).imageLayers('app:1');
    await client({}, '1.41').imageHistory('app:1');
    await client({}, 'v1.41').ping();
    expect(paths).toEqual(['/v1.41/images/app:1/json', '/v1.41/images/app:1/history', '/v1.41/_ping']);
  });

  it("uses the engine's own version without one, and ignores a value that is not MAJOR.MINOR", async () => {
    paths.length = 0;
    await client().imageLayers('app:1');
    await client({ DOCKER_API_VERSION: 'latest' }).imageLayers('app:1');
    expect(paths).toEqual(['/images/app:1/json', '/images/app:1/json']);
  });

  it("passes on the engine's refusal of a version it does not speak", async () => {
    await expect(client({}, '1.99').imageLayers('app:1')).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('client version 1.99 is too new') });
  });
});
