// The disk-usage service (issue 23) against a small fake engine on a unix socket that keeps images with
// layer chains, answers inspect/history/list/delete as dockerd 20.10 does and counts what it is asked: the
// engine is asked only what a question needs (chains of every image, the history of the images asked about,
// not of those whose layers another history already told), the answers are kept per image ID across
// processes (the cache file), a set is deleted without force and the bytes are those of the layers the engine
// says it deleted, and prune removes exactly what its plan says, never an image kept for rollback.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../../src/domain/settings';
import { createEngineServices, type EngineServices } from '../../../../src/services/engine/index';

interface FakeImage {
  id: string;
  tags: string[];
  digests: string[];
  diffIds: string[];
  /** Oldest first: [createdBy, size]. */
  steps: Array<[string, number]>;
  parent?: string;
}

const hex = (text: string): string => createHash('sha256').update(text).digest('hex');
const digest = (text: string): string => `sha256:${hex(text)}`;
const chainOf = (diffIds: string[]): string[] => {
  const out: string[] = [];
  for (const d of diffIds) out.push(out.length === 0 ? d : `sha256:${hex(`${out[out.length - 1]} ${d}`)}`);
  return out;
};

const MB = 1_000_000;
let dir: string;
let socket: string;
let server: http.Server;
let images: FakeImage[] = [];
let containers: Array<{ Id: string; Names: string[]; Image: string; ImageID: string; State: string }> = [];
const asked: string[] = [];
/** Refs whose DELETE answers 409 (a container appeared meanwhile). */
const refuse = new Set<string>();

const sizeOf = (img: FakeImage): number => img.steps.reduce((a, [, s]) => a + s, 0);
const find = (ref: string): FakeImage | undefined => images.find((i) => i.id === ref || i.tags.includes(ref) || i.digests.includes(ref) || i.id.slice(7, 19) === ref);

function remove(ref: string): unknown[] {
  const img = find(ref);
  if (!img) return [];
  const out: unknown[] = [];
  if (img.id !== ref) {
    img.tags = img.tags.filter((t) => t !== ref);
    img.digests = img.digests.filter((d) => d !== ref);
    out.push({ Untagged: ref });
    if (img.tags.length + img.digests.length > 0) return out;
  }
  const before = new Set(images.flatMap((i) => chainOf(i.diffIds)));
  images = images.filter((i) => i !== img);
  const after = new Set(images.flatMap((i) => chainOf(i.diffIds)));
  out.push({ Deleted: img.id }, ...[...before].filter((c) => !after.has(c)).reverse().map((c) => ({ Deleted: c })));
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sd-disk-svc-'));
  socket = join(dir, 'engine.sock');
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    asked.push(`${req.method} ${url.pathname}${url.searchParams.get('all') ? '?all=1' : ''}`);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = decodeURIComponent(url.pathname);
    if (path === '/_ping') return void res.end('OK');
    if (path === '/images/json') {
      const all = url.searchParams.get('all') === '1';
      const hasChild = (id: string) => images.some((i) => i.parent === id);
      const shown = all ? images : images.filter((i) => i.tags.length + i.digests.length > 0 || !hasChild(i.id));
      return json(200, shown.map((i) => ({ Id: i.id, ParentId: i.parent ?? '', RepoTags: i.tags.length ? i.tags : null, RepoDigests: i.digests.length ? i.digests : null, Created: 1_700_000_000, Size: sizeOf(i) })));
    }
    if (path === '/containers/json') return json(200, containers);
    const inspect = /^\/images\/(.+)\/json$/.exec(path);
    if (inspect) {
      const img = find(inspect[1] ?? '');
      return img ? json(200, { Id: img.id, RootFS: { Type: 'layers', Layers: img.diffIds } }) : json(404, { message: `No such image: ${inspect[1]}` });
    }
    const history = /^\/images\/(.+)\/history$/.exec(path);
    if (history) {
      const img = find(history[1] ?? '');
      if (!img) return json(404, { message: 'No such image' });
      return json(200, [...img.steps].reverse().map(([createdBy, size]) => ({ Id: '<missing>', Created: 1, CreatedBy: createdBy, Tags: null, Size: size, Comment: '' })));
    }
    const del = /^\/images\/(.+)$/.exec(path);
    if (del && req.method === 'DELETE') {
      const ref = del[1] ?? '';
      if (refuse.has(ref)) return json(409, { message: `conflict: unable to remove repository reference "${ref}" (must force) - container 0123 is using its referenced image` });
      if (!find(ref)) return json(404, { message: `No such image: ${ref}` });
      return json(200, remove(ref));
    }
    json(404, { message: `no route ${path}` });
  });
  await new Promise<void>((r) => server.listen(socket, r));
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

let configDir: string;
const opened: EngineServices[] = [];

function engine(kept?: ReadonlySet<string>): EngineServices {
  const e = createEngineServices({
    env: { DOCKER_HOST: `unix://${socket}` },
    configDir,
    settings: defaultSettings,
    credentials: { resolve: async () => undefined },
    registries: () => {
      throw new Error('no registries here');
    },
    warn: () => undefined,
    workerCommand: { execPath: process.execPath, args: [] },
    ...(kept ? { kept: async () => kept } : {}),
  });
  opened.push(e);
  return e;
}

const count = (prefix: string): number => asked.filter((a) => a.startsWith(prefix)).length;

/** The must-show trio: a shared 4 MB base, own layers of 1, 2 and 3 MB (an ENV step between, as real builds have). */
function trio(): FakeImage[] {
  const base = digest('base');
  return [1, 2, 3].map((n) => ({
    id: digest(`img${n}`),
    tags: [`disk/img${n}:1`],
    digests: [],
    diffIds: [base, digest(`own${n}`)],
    steps: [['ADD base.tar / # buildkit', 4 * MB], ['ENV X=1', 0], [`COPY own${n} / # buildkit`, n * MB]],
  }));
}

beforeEach(() => {
  configDir = mkdtempSync(join(dir, 'cfg-'));
  images = trio();
  containers = [];
  asked.length = 0;
  refuse.clear();
});

afterEach(() => {
  for (const e of opened.splice(0)) e.downloads.close();
});

describe('disk sizes', () => {
  it("gives each image its own layers as unique and the base as shared, asking each image's history once", async () => {
    const sizes = await engine().disk.sizes();
    expect(Object.fromEntries([...sizes].map(([id, s]) => [images.find((i) => i.id === id)?.tags[0], s]))).toEqual({
      'disk/img1:1': { unique: MB, shared: 4 * MB },
      'disk/img2:1': { unique: 2 * MB, shared: 4 * MB },
      'disk/img3:1': { unique: 3 * MB, shared: 4 * MB },
    });
    expect(count('GET /images/sha256')).toBe(6); // 3 inspects + 3 histories
  });

  it('reads only the histories it needs: a hundred images on one layer cost a handful, not a hundred', async () => {
    const layer = digest('shared-only');
    images = Array.from({ length: 100 }, (_, i) => ({ id: digest(`bulk${i}`), tags: [`bulk/img-${i}:v1`], digests: [], diffIds: [layer], steps: [['COPY bulk.txt / # buildkit', 21]] }));
    const sizes = await engine().disk.sizes();
    expect([...sizes.values()].every((s) => s.unique === 0 && s.shared === 21)).toBe(true);
    expect(asked.filter((a) => a.endsWith('/json') && a.startsWith('GET /images/sha256')).length).toBe(100);
    const histories = asked.filter((a) => a.endsWith('/history')).length;
    expect(histories).toBeGreaterThan(0);
    expect(histories).toBeLessThanOrEqual(8); // the first round of the 8 at a time; then every layer is known
  });

  it('works out only the images asked about (their histories), over the chains of every image', async () => {
    const e = engine();
    const [first] = images;
    const sizes = await e.disk.sizes({ ids: [first?.id ?? ''] });
    expect([...sizes.keys()]).toEqual([first?.id]);
    expect(count('GET /images/sha256') - asked.filter((a) => a.endsWith('/history')).length).toBe(3);
    expect(asked.filter((a) => a.endsWith('/history'))).toEqual([`GET /images/${first?.id}/history`]);
  });

  it('answers again for the same listing without asking the engine anything (serve and the app keep theirs)', async () => {
    const e = engine();
    const repos = await e.images.listLocal();
    const first = await e.disk.sizes({ repos, ids: [digest('img1')] });
    const calls = asked.length;
    expect(await e.disk.sizes({ repos, ids: [digest('img1')] })).toEqual(first);
    expect(asked.length).toBe(calls);
    // Another image of the same listing: only its history.
    await e.disk.sizes({ repos, ids: [digest('img2')] });
    expect(asked.slice(calls)).toEqual([`GET /images/${digest('img2')}/history`]);
  });

  it('keeps what it learnt per image ID in the settings directory (0600): the next process asks nothing', async () => {
    await engine().disk.sizes();
    const file = readdirSync(configDir).find((f) => /^layers-[0-9a-f]{12}\.json$/.test(f));
    expect(file).toBeDefined();
    expect(statSync(join(configDir, file ?? '')).mode & 0o777).toBe(0o600);
    asked.length = 0;
    const again = await engine().disk.sizes();
    expect(again.size).toBe(3);
    expect(count('GET /images/sha256')).toBe(0);
    // An image that is gone leaves the file on the next write.
    remove('disk/img3:1');
    images.push({ id: digest('img4'), tags: ['disk/img4:1'], digests: [], diffIds: [digest('own4')], steps: [['COPY x / # buildkit', 5]] });
    await engine().disk.sizes();
    const kept = JSON.parse(readFileSync(join(configDir, file ?? ''), 'utf8')) as { images: Record<string, unknown> };
    expect(Object.keys(kept.images).sort()).toEqual(images.map((i) => i.id).sort());
  });

  it('ignores a cache file it cannot read, asks the engine and writes it again', async () => {
    await engine().disk.sizes();
    const file = join(configDir, readdirSync(configDir).find((f) => f.startsWith('layers-')) ?? '');
    writeFileSync(file, '{"version":1,"images":{"sha256:zz":{"chain":["nope"]}, "oops": 1');
    asked.length = 0;
    const sizes = await engine().disk.sizes();
    expect(sizes.get(images[0]?.id ?? '')).toEqual({ unique: MB, shared: 4 * MB });
    expect(count('GET /images/sha256')).toBe(6);
    expect(() => JSON.parse(readFileSync(file, 'utf8')) as unknown).not.toThrow();
  });

  it('leaves out an image deleted between the listing and its inspect', async () => {
    const e = engine();
    const repos = await e.images.listLocal();
    remove('disk/img3:1');
    const sizes = await e.disk.sizes({ repos });
    expect(sizes.size).toBe(2);
    // Without img3, the base is shared by img1 and img2 only: still shared.
    expect(sizes.get(digest('img1'))).toEqual({ unique: MB, shared: 4 * MB });
  });
});

describe('a marked set: plan and delete', () => {
  it('two of three free their own layers; the base stays, kept by the third; the delete reports the same bytes', async () => {
    const e = engine();
    const ids = [digest('img1'), digest('img2')];
    const plan = await e.disk.plan(ids);
    expect(plan).toMatchObject({ images: ids, bytes: 3 * MB, unknownLayers: 0, inUse: [], missing: [] });
    expect(plan.staying).toMatchObject({ layers: 1, bytes: 4 * MB, keptBy: [{ label: 'disk/img3:1', bytes: 4 * MB }] });
    const removed = await e.disk.remove(ids);
    expect(removed.images.sort()).toEqual([...ids].sort());
    expect(removed.spaceReclaimed).toBe(3 * MB);
    expect(removed.untagged.sort()).toEqual(['disk/img1:1', 'disk/img2:1']);
    expect(removed.failed).toEqual([]);
    expect(images.map((i) => i.tags[0])).toEqual(['disk/img3:1']);
    // Never forced.
    expect(asked.filter((a) => a.startsWith('DELETE')).length).toBe(2);
  });

  it('an image a container uses is not deleted; one the engine refuses meanwhile is reported, the rest go', async () => {
    containers = [{ Id: 'c1', Names: ['/web'], Image: 'disk/img3:1', ImageID: digest('img3'), State: 'exited' }];
    refuse.add('disk/img2:1');
    const e = engine();
    const plan = await e.disk.plan([digest('img1'), digest('img2'), digest('img3')]);
    expect(plan.inUse).toEqual([{ id: digest('img3'), label: 'disk/img3:1', containers: ['web'] }]);
    expect(plan.bytes).toBe(3 * MB);
    const removed = await e.disk.remove([digest('img1'), digest('img2'), digest('img3')]);
    expect(removed.images).toEqual([digest('img1')]);
    expect(removed.spaceReclaimed).toBe(MB);
    expect(removed.failed).toEqual([{ id: digest('img2'), label: 'disk/img2:1', message: expect.stringContaining('container 0123 is using') }]);
    expect(asked.some((a) => a.includes('img3'))).toBe(false);
  });

  it('deletes an image with several names name by name (the last one deletes it), and an unnamed one by ID', async () => {
    const [one, two] = images;
    if (!one || !two) throw new Error('trio');
    one.tags.push('other/name:2');
    one.digests.push('disk/img1@sha256:abc');
    two.tags = [];
    const removed = await engine().disk.remove([one.id, two.id]);
    expect(removed.images.sort()).toEqual([one.id, two.id].sort());
    expect(asked.filter((a) => a.startsWith('DELETE')).sort()).toEqual(
      ['DELETE /images/disk/img1:1', 'DELETE /images/other/name:2', 'DELETE /images/disk/img1@sha256:abc', `DELETE /images/${two.id}`].sort(),
    );
    expect(removed.spaceReclaimed).toBe(3 * MB);
  });
});

describe('prune that plans first', () => {
  it('--all: every image no container uses, minus those kept for rollback; then exactly that goes', async () => {
    containers = [{ Id: 'c1', Names: ['/web'], Image: 'disk/img3:1', ImageID: digest('img3'), State: 'running' }];
    const e = engine(new Set([digest('img2')]));
    const plan = await e.disk.prunePlan({ all: true });
    expect(plan.candidates.map((c) => c.names)).toEqual([['disk/img1:1']]);
    expect(plan.kept.map((k) => k.names)).toEqual([['disk/img2:1']]);
    expect(plan).toMatchObject({ all: true, bytes: MB, deletedImages: [digest('img1')] });
    expect(plan.staying.keptBy.map((k) => k.label).sort()).toEqual(['disk/img2:1', 'disk/img3:1']);
    const done = await e.images.prune({ all: true });
    expect(done.images).toEqual([digest('img1')]);
    expect(done.spaceReclaimed).toBe(plan.bytes);
    expect([...done.deleted].sort()).toEqual([...plan.deletedImages, ...plan.layers].sort());
  });

  it('dangling: untagged images only (digest-only ones too, as the engine prunes them), never a tagged one', async () => {
    const [one, two] = images;
    if (!one || !two) throw new Error('trio');
    one.tags = [];
    two.tags = [];
    two.digests = ['disk/img2@sha256:abc'];
    const plan = await engine().disk.prunePlan();
    expect(plan.candidates.map((c) => c.id).sort()).toEqual([one.id, two.id].sort());
    expect(plan.bytes).toBe(3 * MB);
  });

  it('names the untagged parents a classic build leaves, which the engine deletes with their last child', async () => {
    const [one] = images;
    if (!one) throw new Error('trio');
    const mid: FakeImage = { id: digest('mid'), tags: [], digests: [], diffIds: one.diffIds.slice(0, 1), steps: [['ADD base.tar / # buildkit', 4 * MB]] };
    one.parent = mid.id;
    images.push(mid);
    const plan = await engine().disk.prunePlan({ all: true });
    expect(plan.deletedImages.sort()).toEqual([...images.filter((i) => i !== mid).map((i) => i.id), mid.id].sort());
    expect(plan.candidates.length).toBe(3);
  });
});
