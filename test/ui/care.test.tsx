// The app side of issue 22 (the NAS caretaker): Local shows which tags keep a previous image and `b` rolls one
// back (a question that destroys: only keys typed after it was drawn answer it); `u` keeps the replaced image
// before the tag moves and its question names the versions; Tags says `latest = 1.27.3, also …` (from the
// list where it gives digests, on `v` elsewhere); Inspect shows Version and Source. Clock injected.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { LocalRepository, TagList } from '../../src/domain/images';
import type { PreviousImage, RollbackResult, UpdatesView } from '../../src/ui/services';
import { download, fakeServices, localRepo, remoteImage } from './fakes';
import { KEY, renderApp } from './render';

afterEach(() => cleanup());

const NOW = '2026-12-01T12:00:00Z';
const OLD = `sha256:${'a'.repeat(64)}`;
const NEW = `sha256:${'b'.repeat(64)}`;
const PIN = `nginx@sha256:${'c'.repeat(64)}`;

function kept(id = OLD, replacedAt = '2026-11-28T12:00:00Z'): PreviousImage {
  return { id, digest: `sha256:${'c'.repeat(64)}`, replacedAt, keptUntil: '2026-12-05T12:00:00Z', pin: PIN };
}

/** A world where nginx:latest was updated 3 days ago (OLD kept), redis never was. */
function world(options: { previous?: Map<string, PreviousImage> } = {}) {
  const fake = fakeServices({ local: [], now: NOW });
  let local: LocalRepository[] = [localRepo('nginx', ['latest'], { id: NEW }), localRepo('redis', ['7'])];
  let previous = options.previous ?? new Map([['docker.io/library/nginx:latest', kept()]]);
  let lists = 0;
  fake.services.local.list = async () => {
    lists++;
    return local;
  };
  const calls = { rollbacks: [] as string[], kept: [] as string[], described: [] as string[], order: [] as string[] };
  const view: UpdatesView = { marks: new Map(), checking: false, count: 0, error: null };
  fake.services.updates = {
    store: { getSnapshot: () => view, subscribe: () => () => undefined },
    check: () => undefined,
    removeReplaced: async () => ({ removed: [], kept: null }),
    previous: async () => previous,
    keepPrevious: async (ref) => {
      calls.kept.push(ref);
      calls.order.push(`keep ${ref}`);
      return { id: local.flatMap((r) => r.images).find((i) => ref.startsWith('nginx') && i.tag === 'latest')?.id ?? OLD, keptUntil: '2026-12-08T12:00:00Z' };
    },
    rollback: async (ref): Promise<RollbackResult> => {
      calls.rollbacks.push(ref);
      // The tag moves back; the image it left is kept in turn.
      local = [localRepo('nginx', ['latest'], { id: OLD }), localRepo('redis', ['7'])];
      previous = new Map([['docker.io/library/nginx:latest', kept(NEW, NOW)]]);
      return { ref, id: OLD, replacedId: NEW, digest: `sha256:${'c'.repeat(64)}`, pin: PIN };
    },
  };
  const startPull = fake.services.downloads.start;
  fake.services.downloads.start = async (ref, opts) => {
    calls.order.push(`pull ${ref}`);
    return startPull(ref, opts);
  };
  return { ...fake, calls, lists: () => lists, setLocal: (l: LocalRepository[]) => (local = l) };
}

describe('Local: the previous image and b (roll back)', () => {
  it('marks the row, says "previous: 3 days ago" for the selected one, and b asks, rolls back, pins and refreshes', async () => {
    const w = world();
    const app = renderApp(w.services);
    await app.waitFor((f) => f.includes('previous: 3 days ago (b rolls back)'), 'the selected row says its previous image');
    expect(app.frame()).toMatch(/↶ nginx/);
    expect(app.footer()).toContain('b roll back');
    await app.command('local.rollback');
    const frame = app.frame();
    expect(frame).toContain('Roll nginx:latest back?');
    expect(frame).toContain(`the tag moves from ${'b'.repeat(12)} to ${'a'.repeat(12)} (replaced 3 days ago)`);
    expect(frame).toContain(`${'b'.repeat(12)} stays, kept in turn: b again goes forward`);
    expect(frame).toContain('y yes  n no');
    expect(w.calls.rollbacks).toEqual([]);
    const listed = w.lists();
    await app.press('y');
    expect(w.calls.rollbacks).toEqual(['nginx:latest']);
    await app.waitFor((f) => f.includes(`rolled nginx:latest back to ${'a'.repeat(12)}; pin it: nginx@sha256:`), 'the banner with the pin');
    expect(w.lists()).toBeGreaterThan(listed);
    // The list follows: nginx is on the old image now, and the image it left is the previous one.
    await app.waitFor((f) => /nginx +latest +a{12}/.test(f) && f.includes('previous: just now (b rolls back)'), 'the list read again: the old image, the one it left kept');
    // e opens the whole banner: the pin is there whole.
    await app.press('e');
    expect(app.frame()).toContain(PIN);
  });

  it('b is disabled with the reason where no previous image is kept', async () => {
    const w = world();
    const app = renderApp(w.services);
    await app.waitFor((f) => f.includes('redis'), 'rows');
    await app.press('j');
    expect(app.frame()).not.toContain('(b rolls back)');
    expect(app.footer()).not.toContain('b roll back');
    await app.command('local.rollback');
    expect(app.footer()).toContain('b: no previous image is kept for redis:7');
    expect(app.frame()).not.toContain('Roll ');
    expect(w.calls.rollbacks).toEqual([]);
  });

  it('keys typed before the question do not answer it: by and bb in one read roll nothing back; Enter is not yes', async () => {
    for (const burst of ['by', 'bb']) {
      const w = world();
      const app = renderApp(w.services);
      await app.waitFor((f) => f.includes('(b rolls back)'), 'rows');
      app.write(burst);
      await app.settled();
      expect(app.frame()).toContain('Roll nginx:latest back?');
      expect(app.frame()).toContain('1 key typed before this question was ignored');
      expect(w.calls.rollbacks).toEqual([]);
      // Enter is not yes either.
      await app.press(KEY.enter);
      expect(w.calls.rollbacks).toEqual([]);
      await app.press('n');
      expect(app.frame()).not.toContain('Roll nginx:latest back?');
      expect(w.calls.rollbacks).toEqual([]);
      app.unmount();
    }
  });

  it('in ASCII the mark is <', async () => {
    const w = world();
    const app = renderApp(w.services, { env: { LANG: 'C', NO_COLOR: '1' } });
    await app.waitFor((f) => f.includes('(b rolls back)'), 'rows');
    expect(app.frame()).toMatch(/< nginx/);
  });
});

describe('u keeps the replaced image and names the versions', () => {
  it('the question says 1.27.2 → 1.27.3 and the release notes; the image is kept before the pull; afterwards it says b rolls back', async () => {
    const w = world({ previous: new Map() });
    const updates = w.services.updates!;
    const marks = new Map([['docker.io/library/nginx:latest', { status: 'update_available' as const, newerTags: [], id: NEW }]]);
    const view: UpdatesView = { marks, checking: false, count: 1, error: null };
    updates.store = { getSnapshot: () => view, subscribe: () => () => undefined };
    updates.describe = async (ref) => {
      w.calls.described.push(ref);
      return { name: 'nginx', fullName: 'docker.io/library/nginx', tag: 'latest', id: NEW, localDigest: null, remoteDigest: 'sha256:new', fromVersion: '1.27.2', toVersion: '1.27.3', releaseNotes: 'https://github.com/nginx/nginx/releases' };
    };
    const app = renderApp(w.services);
    await app.waitFor((f) => f.includes('↑ nginx'), 'the update mark');
    await app.command('local.update');
    expect(w.calls.described).toEqual(['nginx:latest']);
    expect(app.frame()).toContain('Update nginx:latest: 1.27.2 → 1.27.3?');
    expect(app.frame()).toContain('release notes: https://github.com/nginx/nginx/releases');
    expect(w.calls.kept).toEqual([]);
    await app.press('y');
    await app.waitFor(() => w.downloads.started.length === 1, 'the pull');
    expect(w.calls.order).toEqual(['keep nginx:latest', 'pull nginx:latest']);
    // The new image lands: the old one is kept for b, not offered for removal.
    w.setLocal([localRepo('nginx', ['latest'], { id: `sha256:${'d'.repeat(64)}` }), localRepo('<none>', ['<none>'], { id: NEW }), localRepo('redis', ['7'])]);
    w.downloads.set([download('nginx:latest', { status: 'complete', percent: 100 })]);
    w.engineChanged();
    await app.waitFor((f) => f.includes(`updated nginx:latest; b rolls back to ${'b'.repeat(12)} (kept until 2026-12-08 12:00 UTC)`), 'kept, b rolls back');
    expect(app.frame()).not.toContain('Remove the old image');
  });

  it('`uy` in one read still answers the update question (not destructive) once its versions are in', async () => {
    const w = world({ previous: new Map() });
    let answer: (v: null) => void = () => undefined;
    w.services.updates!.describe = (ref) => {
      w.calls.described.push(ref);
      return new Promise((resolve) => (answer = resolve));
    };
    const app = renderApp(w.services);
    await app.waitFor((f) => f.includes('nginx'), 'rows');
    app.write('uy');
    await app.waitFor(() => w.calls.described.length === 1 && app.trace.some((e) => e.ev === 'key' && 'outcome' in e && e.outcome === 'held'), 'y held while the question is made');
    expect(app.frame()).not.toContain('not a key');
    answer(null);
    await app.waitFor(() => w.downloads.started.length === 1, 'the pull');
    expect(w.calls.order).toEqual(['keep nginx:latest', 'pull nginx:latest']);
  });
});

describe('Tags: latest = versions', () => {
  const digest = (n: string) => `sha256:${n.repeat(64)}`;
  const detail = (name: string, d: string | null, sameAs?: string[]) => ({ name, size: 1000, lastUpdated: '2026-11-30T10:00:00Z', digest: d, platforms: ['linux/amd64'], ...(sameAs ? { sameAs } : {}) });

  it('Docker Hub: the list gives digests, so latest = 1.27.3, also 1.27, mainline shows at once and v is not offered', async () => {
    const tags: TagList = {
      name: 'nginx',
      fullName: 'docker.io/library/nginx',
      installed: [],
      tags: ['latest', '1.27.3', '1.27', 'mainline', '1.26.2'],
      details: [detail('latest', digest('1'), ['1.27.3', '1.27', 'mainline']), detail('1.27.3', digest('1')), detail('1.27', digest('1')), detail('mainline', digest('1')), detail('1.26.2', digest('2'))],
    };
    const { services } = fakeServices({ local: [], tags, remote: { official: [remoteImage('nginx', { version: 'latest' })] }, now: NOW });
    let asked = 0;
    const tagsOf = services.remote.tags;
    services.remote.tags = async (...args) => {
      asked++;
      return tagsOf(...args);
    };
    const app = renderApp(services);
    await app.press('3', KEY.enter);
    await app.waitFor((f) => f.includes('latest = 1.27.3, also 1.27, mainline'), 'latest with its versions');
    expect(asked).toBe(1);
    expect(app.footer()).not.toContain('v versions');
    await app.command('tags.versions');
    expect(app.footer()).toContain('v: known already: latest = 1.27.3');
    expect(asked).toBe(1);
  });

  it('another registry: v asks (the versions option) and then shows latest = …', async () => {
    const plain: TagList = { name: 'team/web', fullName: 'lab.example/team/web', installed: [], tags: ['latest', '2.1.0', '2.0.0'], details: [] };
    const { services } = fakeServices({ local: [], remote: { private: [remoteImage('team/web')] }, registries: [{ name: 'lab', url: 'https://lab.example', trustCert: false, username: '', password: '', version: 'v2' }], now: NOW });
    const asked: boolean[] = [];
    services.remote.tags = async (_name, _registry, _signal, options) => {
      asked.push(options?.versions ?? false);
      return options?.versions ? { ...plain, details: [detail('latest', digest('9'), ['2.1.0']), detail('2.1.0', digest('9')), detail('2.0.0', digest('8'))] } : plain;
    };
    services.remote.inspect = async () => {
      throw new Error('not asked in this test');
    };
    const app = renderApp(services);
    await app.press('5');
    await app.waitFor((f) => f.includes('team/web'), 'the registry list');
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('2.1.0'), 'the tags');
    expect(app.frame()).not.toContain('latest = ');
    expect(app.footer()).toContain('v versions');
    await app.command('tags.versions');
    await app.waitFor((f) => f.includes('  latest = 2.1.0'), 'latest with its version');
    expect(asked).toEqual([false, true]);
  });
});

describe('Inspect: Version and Source', () => {
  it('local and remote inspect show the OCI version and source labels with the release notes', async () => {
    const labels = { 'org.opencontainers.image.version': '1.27.3', 'org.opencontainers.image.source': 'https://github.com/nginx/docker-nginx' };
    const { services } = fakeServices({
      local: [localRepo('nginx', ['latest'])],
      remote: { official: [remoteImage('nginx', { version: 'latest' })] },
      now: NOW,
      inspect: {
        name: 'nginx', tag: 'latest', digest: 'sha256:index', manifestDigest: 'sha256:index', platform: 'linux/amd64', platforms: ['linux/amd64'], mediaType: 'application/vnd.oci.image.manifest.v1+json',
        created: '2026-11-01T00:00:00Z', architecture: 'amd64', os: 'linux', variant: null,
        config: { cmd: ['nginx'], entrypoint: [], env: [], exposedPorts: [], labels, workingDir: '', user: '' }, layers: [], size: 1000,
      },
    });
    const inspectLocal = services.local.inspect;
    services.local.inspect = async (ref) => ({ ...(await inspectLocal(ref)), Config: { Cmd: ['nginx'], Labels: labels } });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('nginx'), 'rows');
    await app.command('list.inspect');
    await app.waitFor((f) => f.includes('Version'), 'local inspect');
    for (const frame of [app.frame()]) {
      expect(frame).toMatch(/Version +1\.27\.3/);
      expect(frame).toMatch(/Source +https:\/\/github\.com\/nginx\/docker-nginx/);
      expect(frame).toMatch(/Releases +https:\/\/github\.com\/nginx\/docker-nginx\/releases/);
    }
    await app.press(KEY.escape, '3', 'i');
    await app.waitFor((f) => f.includes('remote, not pulled') && f.includes('Version'), 'remote inspect');
    expect(app.frame()).toMatch(/Version +1\.27\.3/);
    expect(app.frame()).toMatch(/Releases +https:\/\/github\.com\/nginx\/docker-nginx\/releases/);
  });
});

describe('b on the old image itself', () => {
  it('after an update the selection stays on the old (now untagged) image: b there rolls its tag back to it', async () => {
    const w = world();
    w.setLocal([localRepo('nginx', ['latest'], { id: NEW }), { ...localRepo('nginx', ['<none>'], { id: OLD }) }, localRepo('redis', ['7'])]);
    const app = renderApp(w.services);
    await app.waitFor((f) => f.includes('<none>'), 'rows');
    await app.press('j');
    expect(app.frame()).toContain('previous image of latest, replaced 3 days ago (b rolls back)');
    await app.command('local.rollback');
    expect(app.frame()).toContain('Roll nginx:latest back?');
    expect(app.frame()).toContain(`the tag moves from ${'b'.repeat(12)} to ${'a'.repeat(12)}`);
    await app.press('y');
    expect(w.calls.rollbacks).toEqual(['nginx:latest']);
  });
});

describe('the update question in a terminal that is not UTF-8', () => {
  it('says 1.27.2 -> 1.27.3', async () => {
    const w = world({ previous: new Map() });
    w.services.updates!.describe = async () => ({ name: 'nginx', fullName: 'docker.io/library/nginx', tag: 'latest', id: NEW, localDigest: null, remoteDigest: 'sha256:new', fromVersion: '1.27.2', toVersion: '1.27.3', releaseNotes: null });
    const app = renderApp(w.services, { env: { LANG: 'C', NO_COLOR: '1' } });
    await app.waitFor((f) => f.includes('nginx'), 'rows');
    await app.command('local.update');
    expect(app.frame()).toContain('Update nginx:latest: 1.27.2 -> 1.27.3?');
    expect(app.frame()).not.toContain('→');
  });
});
