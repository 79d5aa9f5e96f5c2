// The engine form asks the engine before saving, as `engine add` does (issue 20, item 5): through the app's real
// engines port and catalog, against a unix socket that answers as an engine and one where nothing listens. One
// that does not answer is not saved; the form says why and Ctrl-F saves it anyway (the CLI's --force).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enginesPort } from '../../src/app/enginesPort';
import { EngineCatalog } from '../../src/services/engine/catalog';
import { EngineStore } from '../../src/store/engineStore';
import { fakeServices } from './fakes';
import { KEY, renderApp } from './render';

let dir: string;
let engine: Server;
const socket = () => join(dir, 'engine.sock');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sd-engine-form-'));
  // Answers as an engine does: GET /version (with or without an API version prefix), /_ping.
  engine = createServer((req, res) => {
    if (/\/version$/.test(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'application/json', 'api-version': '1.46' });
      res.end(JSON.stringify({ Version: '27.0.0', ApiVersion: '1.46', Os: 'linux', Arch: 'amd64' }));
    } else if (/\/_ping$/.test(req.url ?? '')) {
      res.writeHead(200, { 'api-version': '1.46' });
      res.end('OK');
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"message":"not here"}');
    }
  });
  await new Promise<void>((resolve) => engine.listen(socket(), resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => engine.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  cleanup();
});

function world() {
  const home = mkdtempSync(join(dir, 'home-'));
  const store = new EngineStore(join(home, 'settings'), () => undefined);
  const catalog = new EngineCatalog({ env: { HOME: home, DOCKER_CONFIG: join(home, '.docker') }, store: () => store });
  const { services } = fakeServices({ local: [] });
  return { services: { ...services, engines: enginesPort(catalog, () => undefined) }, saved: () => catalog.list().filter((e) => e.source === 'saved').map((e) => e.name) };
}

async function fill(app: ReturnType<typeof renderApp>, name: string, host: string) {
  await app.press('C');
  await app.waitFor((f) => f.includes('unix:///var/run/docker.sock'));
  await app.press('a');
  await app.waitFor((f) => /› Name/.test(f), 'the form');
  await app.type(name);
  await app.press(KEY.tab);
  // In one write: a long socket path scrolls in the field, so it is not waited for as typed.
  app.write(host);
  await app.settled();
}

describe('the engine form asks the engine first', () => {
  it('saves an engine that answers', async () => {
    const w = world();
    const app = renderApp(w.services);
    await fill(app, 'live', `unix://${socket()}`);
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('saved engine "live": Enter switches to it'), 'saved');
    expect(w.saved()).toEqual(['live']);
  });

  it('does not save one that does not answer: says why in the form, Ctrl-F saves it anyway with a warning', async () => {
    const w = world();
    const app = renderApp(w.services);
    // Ctrl-F before any check is refused with its reason.
    await fill(app, 'gone', `unix://${join(dir, 'nothing-here.sock')}`);
    await app.press('\u0006');
    expect(app.footer()).toContain('nothing to save anyway');
    await app.press(KEY.enter);
    await app.waitFor((f) => f.replace(/\s*│\s*/g, ' ').includes('engine "gone" was not saved') && f.includes('Ctrl-F saves it anyway'), 'the failure in the form');
    const frame = app.frame();
    expect(frame).not.toContain('--force');
    expect(frame).not.toContain('--docker-path');
    expect(w.saved()).toEqual([]);
    // Changing a field withdraws the offer (Enter asks again).
    await app.press(KEY.backspace);
    await app.waitFor((f) => !f.includes('Ctrl-F saves it anyway'));
    await app.type('k');
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('Ctrl-F saves it anyway'), 'asked again');
    await app.press('\u0006');
    await app.waitFor((f) => f.includes('saved engine "gone", but it does not answer now'), 'saved anyway, with a warning');
    expect(w.saved()).toEqual(['gone']);
  });
});
