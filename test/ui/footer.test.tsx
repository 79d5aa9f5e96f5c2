// Every key a footer shows acts on that screen (DESIGN.md "Keyboard over SSH"): for each screen, each
// key its footer shows is pressed (by binding id, on a fresh app opened on that screen) and must do
// something a person can see: the frame changes, the app quits, it asks for something (a list, a
// service), or the footer says why it does not act. And keys a screen has no use for are refused with
// a reason, never passed on to another command.
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { Unreachable } from '../../src/domain/errors';
import type { Registry } from '../../src/domain/registry';
import { BINDINGS, type CommandId, displayKey } from '../../src/ui/keys/bindings';
import { download, fakeServices, localRepo, remoteImage } from './fakes';
import { KEY, renderApp } from './render';

afterEach(() => cleanup());

const lab: Registry = { name: 'lab', url: 'https://lab.example', trustCert: false, username: '', password: '', version: 'v2' };

type App = ReturnType<typeof renderApp>;

interface Scenario {
  name: string;
  world(): ReturnType<typeof fakeServices>;
  /** From a fresh app to the screen under test. */
  open(app: App): Promise<void>;
}

function world(local: ConstructorParameters<typeof Error>[0] | 'down' = 'up') {
  const { services, ...rest } = fakeServices({
    local: local === 'down' ? new Unreachable('cannot reach the engine at unix:///var/run/docker.sock') : [localRepo('redis', ['7', 'latest'], { inUse: true }), localRepo('nginx', ['1.27'])],
    remote: {
      selected: [remoteImage('jellyfin/jellyfin', { version: '10.10.3', source: 'selected' })],
      official: [remoteImage('redis', { version: '7.4', starCount: 3 })],
      private: [remoteImage('team/web')],
    },
    search: (q) => [remoteImage(`${q}-one`)],
    registries: [lab],
    repositories: [{ name: 'lab.example/team/app', registry: 'lab', inUse: false }],
    tags: { name: 'redis', fullName: 'docker.io/library/redis', installed: [], tags: ['7.4', '7'], details: [{ name: '7.4', size: 1, lastUpdated: null, digest: 'sha256:a', platforms: ['linux/amd64', 'linux/arm64'] }] },
    inspect: {
      name: 'redis',
      tag: '7.4',
      digest: 'sha256:index',
      manifestDigest: 'sha256:amd64',
      platform: 'linux/amd64',
      platforms: ['linux/amd64'],
      mediaType: 'application/vnd.oci.image.index.v1+json',
      created: '2026-11-01T00:00:00Z',
      architecture: 'amd64',
      os: 'linux',
      variant: null,
      config: { cmd: ['redis-server'], entrypoint: [], env: Array.from({ length: 40 }, (_, i) => `V${i}=${i}`), exposedPorts: [], labels: {}, workingDir: '', user: '' },
      layers: [{ digest: 'sha256:l1', size: 1_000_000, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }],
      size: 1_000_000,
    },
  });
  rest.downloads.set([download('redis:7', { id: 'r1' }), download('bad:1', { id: 'b1', status: 'failed', error: 'manifest unknown', finishedAt: '2026-11-23T09:30:00Z' })]);
  return { services, ...rest };
}

const SCENARIOS: Scenario[] = [
  { name: 'Local', world: () => world(), open: async (app) => app.waitFor((f) => f.includes('nginx'), 'local rows') },
  // Issue 22: a tag whose last update's image is kept (b rolls it back).
  {
    name: 'Local, a tag with a kept previous image',
    world: () => {
      const w = world();
      const kept = { id: 'sha256:kept', digest: null, replacedAt: '2026-11-20T10:00:00Z', keptUntil: '2026-11-27T10:00:00Z', pin: null };
      const view = { marks: new Map(), checking: false, count: 0, error: null };
      w.services.updates = {
        store: { getSnapshot: () => view, subscribe: () => () => undefined },
        check: () => undefined,
        removeReplaced: async () => ({ removed: [], kept: null }),
        previous: async () => new Map([['docker.io/library/redis:7', kept]]),
        rollback: async (ref) => ({ ref, id: 'sha256:kept', replacedId: 'sha256:now', digest: null, pin: null }),
      };
      return w;
    },
    open: async (app) => app.waitFor((f) => f.includes('(b rolls back)'), 'the kept image said'),
  },
  { name: 'Local, engine down', world: () => world('down'), open: async (app) => app.waitFor((f) => f.includes('cannot reach the engine'), 'the error') },
  { name: 'Selected', world: () => world(), open: (app) => app.press('2') },
  { name: 'Official', world: () => world(), open: (app) => app.press('3') },
  { name: 'Docker Hub before a search', world: () => world(), open: (app) => app.press('4') },
  { name: 'Docker Hub with results', world: () => world(), open: (app) => app.press('4', '/', 'r', 'e', 'd', KEY.enter) },
  { name: 'a private registry', world: () => world(), open: (app) => app.press('5') },
  { name: 'the filter field', world: () => world(), open: (app) => app.press('/') },
  { name: 'Tags', world: () => world(), open: (app) => app.press('3', KEY.enter) },
  { name: 'the platform picker', world: () => world(), open: (app) => app.press('3', KEY.enter, 'P') },
  { name: 'Inspect', world: () => world(), open: (app) => app.press('3', 'i') },
  { name: 'Downloads', world: () => world(), open: (app) => app.press('D') },
  { name: 'Downloads, a failed one', world: () => world(), open: (app) => app.press('D', 'j') },
  { name: 'Registries', world: () => world(), open: (app) => app.press('R') },
  { name: 'Registries, lab', world: () => world(), open: (app) => app.press('R', 'j') },
  { name: 'the registry form', world: () => world(), open: (app) => app.press('R', 'a') },
  { name: 'Saved repositories', world: () => world(), open: (app) => app.press('E') },
  { name: 'Engines', world: () => world(), open: (app) => app.press('C') },
  { name: 'Engines, a saved one', world: () => world(), open: (app) => app.press('C', 'j') },
  { name: 'a question', world: () => world(), open: (app) => app.press('j', 'd') },
  { name: 'help', world: () => world(), open: (app) => app.press('?') },
  { name: 'Local with a kept filter', world: () => world(), open: (app) => app.press('/', 'n', 'g', KEY.enter) },
  { name: 'Registries with a kept filter', world: () => world(), open: (app) => app.press('R', '/', 'l', 'a', KEY.enter) },
];

/** The commands the footer shows now (its `key label` pairs, matched against the key table). */
function footerCommands(footer: string): CommandId[] {
  const found: CommandId[] = [];
  for (const b of BINDINGS) {
    if (!('label' in b) || b.keys[0] === undefined) continue;
    const hint = `${displayKey(b.keys[0])} ${b.label}`;
    const at = footer.indexOf(hint);
    // Whole hints only (`e error` is not `e edit`), and each hint once (the first scope that binds it).
    if (at < 0 || (at > 0 && footer[at - 1] !== ' ') || (footer[at + hint.length] !== undefined && footer[at + hint.length] !== ' ')) continue;
    if (found.some((id) => BINDINGS.find((x) => x.id === id)?.keys[0] === b.keys[0])) continue;
    found.push(b.id);
  }
  return found;
}

/** What a press did that a person can see (undefined: nothing at all). */
async function effectOf(app: App, id: CommandId): Promise<string | undefined> {
  const before = app.frame();
  const traced = app.trace.length;
  await app.command(id);
  const key = displayKey(BINDINGS.find((b) => b.id === id)?.keys[0] ?? '');
  const footer = app.footer();
  if (footer.startsWith(`${key}: `)) return `refused: ${footer}`;
  if (app.quits.length > 0) return 'quit';
  if (app.frame() !== before) return 'the frame changed';
  // Asked for something (a list again, a service): the trace says what kept the app busy.
  const busy = app.trace.slice(traced).find((e) => e.ev === 'busy' && e.why && e.why !== 'keys');
  if (busy && 'why' in busy) return `asked: ${busy.why}`;
  return undefined;
}

describe('every key a footer shows acts, or says why not', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const first = renderApp(scenario.world().services);
      await scenario.open(first);
      await first.settled();
      const shown = footerCommands(first.footer());
      expect(shown.length, first.footer()).toBeGreaterThan(0);
      first.unmount();
      for (const id of shown) {
        const app = renderApp(scenario.world().services);
        await scenario.open(app);
        await app.settled();
        const effect = await effectOf(app, id);
        expect(effect, `${scenario.name}: ${id} did nothing visible; frame:\n${app.frame()}`).toBeDefined();
        app.unmount();
      }
    }, 120_000);
  }
});

describe('keys a screen has no use for', () => {
  // Keys bound somewhere in the app (so they could reach another command) and keys bound nowhere.
  const stray = ['d', 'e', 'v', 'i', 'p', 'x', 'c', 'f', 'y', 'u', 'U', 's', 'P', 'z', '!', 'tab', 'enter'] as const;
  const bytes = (k: string) => (k === 'tab' ? KEY.tab : k === 'enter' ? KEY.enter : k);
  for (const scenario of SCENARIOS.filter((s) => ['Registries', 'Engines', 'Saved repositories', 'Downloads', 'Inspect', 'Selected', 'a question'].includes(s.name))) {
    it(`on ${scenario.name}: a command of that screen, or refused with a reason`, async () => {
      const fresh = async () => {
        const app = renderApp(scenario.world().services);
        await scenario.open(app);
        await app.settled();
        return app;
      };
      let app = await fresh();
      for (const k of stray) {
        const traced = app.trace.length;
        await app.press(bytes(k));
        const entry = app.trace.slice(traced).find((e) => e.ev === 'key');
        if (entry?.ev !== 'key') throw new Error(`${scenario.name}: no trace of ${k}`);
        if (entry.outcome === 'done') {
          // It ran a command of the layer that binds it on this screen (never a lower layer's).
          const scope = BINDINGS.find((b) => b.id === entry.command)?.scope ?? '';
          expect(entry.layer?.split(','), `${scenario.name}: ${k} ran ${entry.command}`).toContain(scope);
          app.unmount();
          app = await fresh();
          continue;
        }
        expect(['refused', 'disabled'], `${scenario.name}: ${k} was ${entry.outcome}`).toContain(entry.outcome);
        expect(entry.reason).toBeTruthy();
        expect(app.footer()).toBe(`${displayKey(entry.key)}: ${entry.reason}`);
      }
      app.unmount();
    }, 120_000);
  }
});

describe('Esc on a list with a kept filter', () => {
  it('clears the filter first (the footer says so), then goes back', async () => {
    const app = renderApp(world().services);
    await app.press('R', '/', 'l', 'a', 'b', KEY.enter);
    await app.settled();
    expect(app.frame()).toContain('filter: lab');
    expect(app.footer()).toContain('Esc clear filter');
    await app.press(KEY.escape);
    expect(app.frame()).not.toContain('filter: lab');
    expect(app.frame()).toContain('Registries');
    expect(app.footer()).not.toContain('Esc clear filter');
    await app.press(KEY.escape);
    expect(app.frame()).toContain('Depots');
  });

  it('help does not call a key the router answers everywhere (Ctrl-L) "not on this screen"', async () => {
    const app = renderApp(world().services);
    await app.waitFor((f) => f.includes('nginx'), 'local rows');
    await app.press('?');
    const line = app.frame().split('\n').find((l) => l.includes('Ctrl-L')) ?? '';
    expect(line).toContain('redraw the whole screen');
    expect(line).not.toContain('not now');
  });
});
