// The engine catalog: names, precedence (DESIGN.md "Engines"), add/rm/use rules, the settings file's mode.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineCatalog } from '../../../../src/services/engine/catalog';
import { EngineStore } from '../../../../src/store/engineStore';

let home: string;
let dockerConfig: string;
let settings: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'sd-catalog-'));
  dockerConfig = join(home, '.docker');
  settings = join(home, 'settings');
  mkdirSync(dockerConfig);
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function context(name: string, host: string): void {
  const id = createHash('sha256').update(name).digest('hex');
  mkdirSync(join(dockerConfig, 'contexts', 'meta', id), { recursive: true });
  writeFileSync(join(dockerConfig, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
}

function catalog(env: NodeJS.ProcessEnv = {}, override: string | null = null): EngineCatalog {
  const store = new EngineStore(settings, () => undefined);
  return new EngineCatalog({ env: { HOME: home, DOCKER_CONFIG: dockerConfig, ...env }, store: () => store, override });
}

describe('EngineCatalog', () => {
  it('lists the default socket, DOCKER_HOST, docker contexts and saved engines, the active one marked', () => {
    context('nas', 'ssh://admin@nas');
    const c = catalog({ DOCKER_HOST: 'unix:///tmp/x.sock' });
    c.add({ name: 'mini', host: 'tcp://10.0.0.9:2375' });
    expect(c.list().map((e) => [e.name, e.source, e.host, e.active])).toEqual([
      ['default', 'default', 'unix:///var/run/docker.sock', false],
      ['DOCKER_HOST', 'env', 'unix:///tmp/x.sock', true],
      ['nas', 'context', 'ssh://admin@nas', false],
      ['mini', 'saved', 'tcp://10.0.0.9:2375', false],
    ]);
    expect(statSync(join(settings, 'engines.json')).mode & 0o777).toBe(0o600);
  });

  it('picks the engine: --engine > DOCKER_HOST > DOCKER_CONTEXT > engine use > current context > default', () => {
    context('ctx-a', 'unix:///a.sock');
    context('ctx-b', 'unix:///b.sock');
    expect(catalog().activeName()).toBe('default');
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ currentContext: 'ctx-a' }));
    expect(catalog().activeName()).toBe('ctx-a');
    catalog().add({ name: 'saved', host: 'unix:///s.sock' });
    catalog().use('saved');
    expect(catalog().activeName()).toBe('saved');
    expect(catalog({ DOCKER_CONTEXT: 'ctx-b' }).activeName()).toBe('ctx-b');
    expect(catalog({ DOCKER_CONTEXT: 'ctx-b', DOCKER_HOST: 'unix:///h.sock' }).activeName()).toBe('DOCKER_HOST');
    expect(catalog({ DOCKER_HOST: 'unix:///h.sock' }, 'ctx-b').activeName()).toBe('ctx-b');
    expect(catalog({ STEVEDORE_ENGINE: 'ctx-a', DOCKER_HOST: 'unix:///h.sock' }).activeName()).toBe('ctx-a');
    expect(catalog().activeEndpoint().description).toBe('unix:///s.sock');
    // `engine use default` beats docker's current context.
    catalog().use('default');
    expect(catalog().activeName()).toBe('default');
  });

  it('resolves each kind of engine to its endpoint (ssh with --docker-path; an unknown name is 404)', () => {
    context('ctx', 'tcp://10.1.1.1:2375');
    const c = catalog();
    c.add({ name: 'qnap', host: 'ssh://admin@qnap:2222', dockerPath: '/share/CACHEDEV1_DATA/.qpkg/container-station/bin/docker' });
    expect(c.endpointOf('qnap')).toMatchObject({ kind: 'ssh', host: 'qnap', user: 'admin', port: 2222, dockerPath: '/share/CACHEDEV1_DATA/.qpkg/container-station/bin/docker' });
    expect(c.endpointOf('ctx')).toMatchObject({ kind: 'tcp', host: '10.1.1.1', port: 2375 });
    expect(c.endpointOf('default')).toMatchObject({ kind: 'unix', socketPath: '/var/run/docker.sock' });
    expect(() => c.endpointOf('nope')).toThrow(expect.objectContaining({ code: 404 }));
  });

  it('checks add, rm and use: names, duplicates, contexts, options that do not fit the host', () => {
    context('ctx', 'unix:///c.sock');
    const c = catalog();
    c.add({ name: 'one', host: 'unix:///one.sock' });
    const err = (f: () => unknown): unknown => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return null;
    };
    expect(err(() => c.add({ name: 'one', host: 'unix:///x.sock' }))).toMatchObject({ code: 409 });
    expect(err(() => c.add({ name: 'ctx', host: 'unix:///x.sock' }))).toMatchObject({ code: 409 });
    expect(err(() => c.add({ name: 'default', host: 'unix:///x.sock' }))).toMatchObject({ code: 400 });
    expect(err(() => c.add({ name: 'bad name', host: 'unix:///x.sock' }))).toMatchObject({ code: 400 });
    expect(err(() => c.add({ name: 'pw', host: 'ssh://u:secret@h' }))).toMatchObject({ code: 400 });
    expect(err(() => c.add({ name: 'dp', host: 'tcp://h:2375', dockerPath: '/x/docker' }))).toMatchObject({ code: 400 });
    expect(err(() => c.add({ name: 'tls', host: 'tcp://h:2376', tlsVerify: true, certPath: join(home, 'none') }))).toMatchObject({ code: 400 });
    expect(err(() => c.remove('ctx'))).toMatchObject({ code: 403 });
    expect(err(() => c.remove('default'))).toMatchObject({ code: 403 });
    expect(err(() => c.remove('nope'))).toMatchObject({ code: 404 });
    expect(err(() => c.use('nope'))).toMatchObject({ code: 404 });
    c.use('one');
    c.remove('one');
    expect(catalog().activeName()).toBe('default');
  });

  it('reads TLS files for a tcp engine added with --tls-verify --cert-path', () => {
    const certs = join(home, 'certs');
    mkdirSync(certs);
    writeFileSync(join(certs, 'ca.pem'), 'CA');
    writeFileSync(join(certs, 'cert.pem'), 'CERT');
    writeFileSync(join(certs, 'key.pem'), 'KEY');
    const c = catalog();
    c.add({ name: 'secure', host: 'tcp://nas:2376', tlsVerify: true, certPath: certs });
    const e = c.endpointOf('secure');
    expect(e).toMatchObject({ kind: 'tcp', host: 'nas', port: 2376, tls: { verify: true } });
    expect(e.kind === 'tcp' && e.tls?.ca?.toString()).toBe('CA');
  });

  it('says DOCKER_HOST still takes precedence after `engine use`', () => {
    catalog().add({ name: 'one', host: 'unix:///one.sock' });
    expect(catalog({ DOCKER_HOST: 'unix:///h.sock' }).use('one')).toMatch(/DOCKER_HOST/);
  });
});
