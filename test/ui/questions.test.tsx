// Questions that destroy something (DESIGN.md "Keyboard over SSH"): each is answered only by keys typed
// after it was drawn. The key that opens it and an answer in the same read (`dy`, as an SSH link
// delivers them) open the question and do nothing else; the question says how many keys it ignored;
// Enter is not yes; only answers that can work are offered; a key typed after it was drawn answers.
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { Registry } from '../../src/domain/registry';
import type { LocalRepository } from '../../src/domain/images';
import type { UpdatesView } from '../../src/ui/services';
import { download, fakeServices, localRepo } from './fakes';
import { KEY, renderApp } from './render';

afterEach(() => cleanup());

const lab: Registry = { name: 'lab', url: 'https://lab.example', trustCert: false, username: 'me', password: 'secret', version: 'v2' };

type App = ReturnType<typeof renderApp>;

/**
 * `open` and `y` in one read: the question opens, `y` is dropped and counted; Enter is refused; nothing
 * was done. Then `y`, typed after the question was drawn, answers it.
 */
async function typedAhead(app: App, open: string, title: string, nothingDone: () => boolean, extra: (frame: string) => void = () => undefined): Promise<void> {
  const answer = 'y';
  app.write(`${open}${answer}`);
  await app.settled();
  expect(app.frame()).toContain(title);
  expect(app.frame()).toContain('1 key typed before this question was ignored');
  expect(nothingDone()).toBe(true);
  await app.press(KEY.enter);
  expect(app.footer()).toMatch(/^Enter: answer /);
  expect(app.frame()).toContain(title);
  expect(nothingDone()).toBe(true);
  extra(app.frame());
  await app.press(answer);
  expect(app.frame()).not.toContain(title);
}

describe('questions that destroy something', () => {
  it('deleting an image: `dy` in one read asks and deletes nothing; y typed after it deletes', async () => {
    const { services, calls } = fakeServices({ local: [localRepo('redis', ['7']), localRepo('nginx', ['1.27'])] });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('redis'), 'local rows');
    await app.settled();
    await typedAhead(app, 'd', 'Delete redis:7', () => calls.removed.length === 0);
    expect(calls.removed).toEqual([{ ref: 'redis:7', force: false }]);
    await app.waitFor((f) => f.includes('deleted redis:7'), 'the banner');
  });

  it('an image a container uses offers only f: y is refused with the answers that work', async () => {
    const { services, calls } = fakeServices({ local: [localRepo('redis', ['7'], { inUse: true })] });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('redis'), 'local rows');
    await app.settled();
    await app.press('d');
    expect(app.frame()).toMatch(/f force +n no/);
    expect(app.frame()).not.toMatch(/y yes/);
    await app.press('y');
    expect(app.footer()).toBe('y: answer f or n');
    expect(calls.removed).toEqual([]);
    await app.press('f');
    expect(calls.removed).toEqual([{ ref: 'redis:7', force: true }]);
  });

  it('an image a container uses that another repository still names: y untags this one, the image stays', async () => {
    const id = `sha256:${'ab'.repeat(32)}`;
    const { services, calls } = fakeServices({ local: [localRepo('lab/alpha', ['1.0'], { inUse: true, id }), localRepo('lab/beta', ['1.0'], { inUse: true, id })] });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('lab/beta'), 'local rows');
    await app.settled();
    await app.press('j', 'd');
    expect(app.frame()).toContain('untags it only: the image stays, lab/alpha:1.0 still names it');
    expect(app.frame()).toMatch(/y yes +n no/);
    await app.press('y');
    expect(calls.removed).toEqual([{ ref: 'lab/beta:1.0', force: false }]);
  });

  it('deleting a registry (and its saved password)', async () => {
    const { services, registryData } = fakeServices({ local: [], registries: [lab] });
    const app = renderApp(services);
    await app.press('R');
    await app.press('j');
    expect(app.frame()).toMatch(/› lab/);
    await typedAhead(app, 'd', 'Delete registry "lab"?', () => registryData().registries.some((r) => r.name === 'lab'), (f) => expect(f).toContain('Its saved password goes too.'));
    await app.waitFor((f) => f.includes('removed registry "lab"'), 'removed');
    expect(registryData().registries.map((r) => r.name)).toEqual([]);
  });

  it('deleting a saved engine', async () => {
    const { services } = fakeServices({ local: [] });
    const app = renderApp(services);
    await app.press('C');
    await app.press('G');
    expect(app.frame()).toMatch(/› +nas/);
    const names = async () => (await services.engines.list()).map((e) => e.name);
    let left = await names();
    await typedAhead(app, 'd', 'Delete engine "nas"?', () => left.includes('nas'));
    left = await names();
    expect(left).toEqual(['default']);
  });

  it('removing a saved repository', async () => {
    const { services } = fakeServices({ local: [], repositories: [{ name: 'lab.example/team/app', registry: 'lab', inUse: false }] });
    const app = renderApp(services);
    await app.press('E');
    await app.waitFor((f) => f.includes('lab.example/team/app'), 'the row');
    let rows = await services.repositories.list();
    await typedAhead(app, 'd', 'Remove lab.example/team/app?', () => rows.length === 1);
    rows = await services.repositories.list();
    expect(rows).toEqual([]);
  });

  it('cancelling a download', async () => {
    const { services, downloads } = fakeServices({ local: [] });
    downloads.set([download('redis:7', { id: 'r1' })]);
    const app = renderApp(services);
    await app.press('D');
    await typedAhead(app, 'x', 'Cancel redis:7?', () => downloads.cancelled.length === 0);
    expect(downloads.cancelled).toEqual(['r1']);
  });

  it('clearing the finished downloads', async () => {
    const { services, downloads } = fakeServices({ local: [] });
    downloads.set([download('redis:7', { id: 'r1', status: 'complete', percent: 100 }), download('bad:1', { id: 'b1', status: 'failed', error: 'no' })]);
    const app = renderApp(services);
    await app.press('D');
    await typedAhead(app, 'c', 'Clear 2 finished downloads from the list?', () => downloads.clears === 0);
    expect(downloads.clears).toBe(1);
  });

  it('removing the image an update replaced: a key queued while the list reloads is dropped when the question opens', async () => {
    const OLD = `sha256:${'a'.repeat(64)}`;
    const NEW = `sha256:${'b'.repeat(64)}`;
    const { services, downloads, engineChanged } = fakeServices({ local: [] });
    let local: LocalRepository[] = [localRepo('alpine', ['latest'], { id: OLD })];
    // The list answers at once, or when `hold` lets it.
    let hold: Promise<void> | null = null;
    let lists = 0;
    services.local.list = async () => {
      lists++;
      if (hold) await hold;
      return local;
    };
    const removed: string[] = [];
    const view: UpdatesView = { marks: new Map([['docker.io/library/alpine:latest', { status: 'update_available', newerTags: [], id: OLD }]]), checking: false, count: 1, error: null };
    services.updates = {
      store: { getSnapshot: () => view, subscribe: () => () => undefined },
      check: () => undefined,
      removeReplaced: async (old) => {
        removed.push(old);
        return { removed: [old], kept: null };
      },
    };
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('alpine'), 'local rows');
    // `uy` in one read: the update question is not destructive, so a key typed ahead answers it.
    app.write('uy');
    await app.waitFor(() => downloads.started.length === 1, 'the pull');
    await app.settled();
    // The new image arrives; the reload of the list is slow, and `jy` is typed meanwhile (`j` waits for the
    // list, `y` behind it): when the list is in, the question opens first, and both are dropped.
    local = [localRepo('alpine', ['latest'], { id: NEW }), localRepo('<none>', ['<none>'], { id: OLD })];
    let answer = (): void => undefined;
    hold = new Promise<void>((resolve) => (answer = resolve));
    const asked = lists;
    engineChanged();
    await app.waitFor(() => lists > asked, 'the reload asked');
    app.write('jy');
    answer();
    await app.settled();
    expect(app.frame()).toContain('alpine:latest is updated. Remove the old image aaaaaaaaaaaa?');
    expect(app.frame()).toContain('2 keys typed before this question were ignored');
    expect(removed).toEqual([]);
    await app.press('y');
    expect(removed).toEqual([OLD]);
    await app.waitFor((f) => f.includes('removed the old image of alpine:latest'), 'the outcome');
  });

  it('a question that destroys nothing keeps type-ahead: `q` and `y` in one read quit', async () => {
    const { services, downloads } = fakeServices({ local: [] });
    downloads.set([download('redis:7', { id: 'r1' })]);
    const app = renderApp(services);
    await app.settled();
    app.write('qy');
    await app.settled();
    expect(app.quits).toEqual([1]);
  });
});
