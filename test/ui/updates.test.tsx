// The Local list's update marks (issue 12): the check starts after the first frame, `↑` and the newest
// version beside the tag, `U` shows only updatable images, `u` asks and pulls, the status bar counts.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { UpdateMark, UpdatesView } from '../../src/ui/services';
import { download, fakeServices, localRepo } from './fakes';
import { renderApp } from './render';

afterEach(() => cleanup());

function fakeUpdates(marks: Record<string, UpdateMark>) {
  let view: UpdatesView = { marks: new Map(), checking: false, count: 0, error: null };
  const listeners = new Set<() => void>();
  const checks: boolean[] = [];
  return {
    checks,
    port: {
      store: { getSnapshot: () => view, subscribe: (l: () => void) => (listeners.add(l), () => void listeners.delete(l)) },
      check: ({ refresh }: { refresh: boolean }) => {
        checks.push(refresh);
        const m = new Map(Object.entries(marks));
        const checkedAt = [...m.values()].map((x) => x.checkedAt ?? '').sort().at(-1) || null;
        view = { marks: m, checking: false, count: [...m.values()].filter((x) => x.status === 'update_available').length, error: null, checkedAt };
        queueMicrotask(() => listeners.forEach((l) => l()));
      },
      removeReplaced: async () => ({ removed: ['sha256:old'], kept: null }),
    },
  };
}

describe('Local list update marks', () => {
  it('marks updatable images, shows the newest version, filters with U, updates with u', async () => {
    const redis = localRepo('redis', ['7.2']);
    const nginx = localRepo('nginx', ['1.27']);
    const { services, downloads } = fakeServices({ local: [redis, nginx] });
    const updates = fakeUpdates({
      'docker.io/library/redis:7.2': { status: 'update_available', newerTags: ['7.4', '7.3'], id: redis.images[0]!.id },
      'docker.io/library/nginx:1.27': { status: 'up_to_date', newerTags: [], id: nginx.images[0]!.id },
    });
    services.updates = updates.port;
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('↑') && f.includes('7.2 → 7.4'), 'update mark');
    expect(updates.checks).toEqual([false]);
    expect(app.frame()).toMatch(/1 update\b/);
    expect(app.frame()).toMatch(/nginx +1\.27 /);
    await app.press('U');
    await app.waitFor((f) => !f.includes('nginx') && f.includes('redis'), 'only updatable');
    await app.press('U');
    await app.waitFor((f) => f.includes('nginx'), 'all again');
    await app.press('u');
    await app.waitFor((f) => f.includes('Update redis:7.2?'), 'asks');
    await app.press('y');
    await app.waitFor(() => downloads.started.length === 1, 'pull started');
    expect(downloads.started[0]).toMatchObject({ ref: 'redis:7.2' });
    // `r` leaves the frame as it was here (the fake answers with the same marks).
    await app.press('r', { changes: false });
    await app.waitFor(() => updates.checks.length === 2, 'r checks again');
    expect(updates.checks[1]).toBe(true);
  });

  it('u on a current image says so, or offers its newer version; U with nothing to show says when it was checked', async () => {
    const redis = localRepo('redis', ['7.2']);
    const nginx = localRepo('nginx', ['1.27']);
    const { services, downloads } = fakeServices({ local: [nginx, redis], now: '2026-12-01T12:00:00Z' });
    const updates = fakeUpdates({
      'docker.io/library/redis:7.2': { status: 'up_to_date', newerTags: ['7.4'], id: redis.images[0]!.id, checkedAt: '2026-12-01T11:50:00Z' },
      'docker.io/library/nginx:1.27': { status: 'up_to_date', newerTags: [], id: nginx.images[0]!.id, checkedAt: '2026-12-01T11:50:00Z' },
    });
    services.updates = updates.port;
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('7.2 → 7.4') && !f.includes('↑'), 'a newer version, no update');
    // nginx first: current, nothing newer.
    await app.press('u');
    await app.waitFor((f) => f.includes('nginx:1.27 is up to date (checked 10 minutes ago): nothing to update'), 'says it is current');
    await app.press('j', 'u');
    await app.waitFor((f) => f.includes('redis:7.2 is up to date. Update to redis:7.4?'), 'offers the newer version');
    await app.press('y');
    await app.waitFor(() => downloads.started.length === 1, 'pull started');
    expect(downloads.started[0]).toMatchObject({ ref: 'redis:7.4' });
    await app.press('U');
    await app.waitFor((f) => f.includes('no image has an update (checked 10 minutes ago'), 'U says why');
  });

  it('does not offer to remove an old image still tagged elsewhere, and says it was kept', async () => {
    const OLD = `sha256:${'a'.repeat(64)}`;
    const NEW = `sha256:${'b'.repeat(64)}`;
    const { services, downloads, engineChanged } = fakeServices({ local: [] });
    let local = [localRepo('alpine', ['latest', '3.19'], { id: OLD })];
    services.local.list = async () => local;
    const updates = fakeUpdates({ 'docker.io/library/alpine:latest': { status: 'update_available', newerTags: [], id: OLD } });
    services.updates = updates.port;
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('↑'), 'update mark');
    await app.press('u');
    await app.waitFor((f) => f.includes('Update alpine:latest'), 'asks');
    await app.press('y');
    await app.waitFor(() => downloads.started.length === 1, 'pull started');
    const alpine = localRepo('alpine', ['latest'], { id: NEW });
    alpine.images.push({ ...alpine.images[0]!, tag: '3.19', id: OLD });
    local = [alpine];
    engineChanged();
    await app.waitFor((f) => f.includes(`kept the old image ${'a'.repeat(12)}: still tagged as alpine:3.19`), 'kept, with the reason');
    expect(app.frame()).not.toContain('Remove the old image');
  });

  it('after y on "Remove the old image", says what happened', async () => {
    const OLD = `sha256:${'a'.repeat(64)}`;
    const NEW = `sha256:${'b'.repeat(64)}`;
    const { services, downloads, engineChanged } = fakeServices({ local: [] });
    let local = [localRepo('alpine', ['latest'], { id: OLD })];
    services.local.list = async () => local;
    const updates = fakeUpdates({ 'docker.io/library/alpine:latest': { status: 'update_available', newerTags: [], id: OLD } });
    services.updates = { ...updates.port, removeReplaced: async () => ({ removed: [], kept: 'image is being used by running container web' }) };
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('↑'), 'update mark');
    await app.press('u');
    await app.waitFor((f) => f.includes('Update alpine:latest'), 'asks');
    await app.press('y');
    await app.waitFor(() => downloads.started.length === 1, 'pull started');
    downloads.set([download('alpine:latest', { status: 'complete', percent: 100 })]);
    local = [localRepo('alpine', ['latest'], { id: NEW }), localRepo('<none>', ['<none>'], { id: OLD })];
    engineChanged();
    await app.waitFor((f) => f.includes('Remove the old image'), 'offered');
    await app.press('y');
    await app.waitFor((f) => f.includes('kept the old image: image is being used by running container web'), 'the outcome');
  });
});
