// The engine services over a scripted EngineClient: error mapping (404 in the seed's words, 409 naming the
// containers, pull failures with hints), --registry resolution, and the engine platform.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Conflict, InvalidInput, InvalidReference, NotFound, TimedOut } from '../../../../src/domain/errors';
import { type EngineClient, EngineRequestError } from '../../../../src/clients/engine/index';
import { pullError } from '../../../../src/services/engine/errors';
import { LocalImageService, engineName } from '../../../../src/services/engine/images';
import { createEngineServices, platformOf } from '../../../../src/services/engine/index';
import { resolveRef } from '../../../../src/domain/registry';
import { refString } from '../../../../src/domain/reference';
import { authFor } from '../../../../src/services/engine/pull';

function fakeClient(overrides: Partial<Record<keyof EngineClient, unknown>>): () => Promise<EngineClient> {
  return async () => overrides as unknown as EngineClient;
}

describe('LocalImageService', () => {
  it('answers 404 in the seed words, with the name as typed', async () => {
    const s = new LocalImageService(
      fakeClient({
        inspectImage: async () => {
          throw new EngineRequestError(404, 'No such image: lgsd/diamond:latest');
        },
        removeImage: async () => {
          throw new EngineRequestError(404, 'No such image: lgsd/diamond:latest');
        },
      }),
    );
    await expect(s.inspect('lgsd/diamond')).rejects.toThrow(new NotFound('Image not found: lgsd/diamond'));
    const e = await s.remove('lgsd/diamond').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NotFound);
    expect((e as NotFound).toJSON()).toEqual({ code: 404, message: 'Image not found: lgsd/diamond' });
  });

  it('names the containers that hold an image on a 409', async () => {
    const s = new LocalImageService(
      fakeClient({
        removeImage: async () => {
          throw new EngineRequestError(409, 'conflict: unable to remove repository reference "redis:7" (must force) - container 0123456789ab is using its referenced image aaaa');
        },
        inspectImage: async () => ({ Id: 'sha256:aaaa' }),
        listContainers: async () => [
          { id: '0123456789abcdef', names: ['web'], image: 'redis:7', imageId: 'sha256:aaaa', state: 'exited' },
          { id: 'ffffffffffff0000', names: ['other'], image: 'x', imageId: 'sha256:bbbb', state: 'running' },
        ],
      }),
    );
    const e = await s.remove('redis:7').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Conflict);
    expect((e as Conflict).message).toBe('image redis:7 is in use by container: web (0123456789ab, exited)');
    expect((e as Conflict).hint).toMatch(/--force/);
  });

  it('keeps the engine words for a 409 that is not about containers', async () => {
    const s = new LocalImageService(
      fakeClient({
        removeImage: async () => {
          throw new EngineRequestError(409, 'conflict: unable to delete aaaa (must be forced) - image is referenced in multiple repositories');
        },
        inspectImage: async () => ({ Id: 'sha256:aaaa' }),
        listContainers: async () => [],
      }),
    );
    const e = (await s.remove('aaaaaaaaaaaa').catch((x: unknown) => x)) as Conflict;
    expect(e.message).toMatch(/^cannot remove aaaaaaaaaaaa: conflict: .*multiple repositories/);
    expect(e.hint).toBe('use --force to remove it from every repository');
  });

  it('cleans terminal controls out of inspect JSON', async () => {
    const s = new LocalImageService(fakeClient({ inspectImage: async () => ({ Config: { Labels: { x: 'a\u001b]0;pwned\u0007b' } } }) }));
    expect(await s.inspect('x')).toEqual({ Config: { Labels: { x: 'ab' } } });
  });
});

describe('engineName', () => {
  it('takes image IDs as they are and normalises references; rejects what is neither', () => {
    expect(engineName('0123456789ab')).toBe('0123456789ab');
    expect(engineName(`sha256:${'a'.repeat(64)}`)).toBe(`sha256:${'a'.repeat(64)}`);
    expect(engineName('docker.io/library/redis:7')).toBe('redis:7');
    expect(engineName(' redis ')).toBe('redis');
    expect(() => engineName('Bad/Name')).toThrow(InvalidReference);
    expect(() => engineName('a b')).toThrow(InvalidInput);
  });
});

describe('pullError', () => {
  it('keeps the engine message and adds the certs.d hint for an untrusted certificate', () => {
    const e = pullError(new Error('Get "https://192.0.2.2:5000/v2/": x509: certificate signed by unknown authority'), '192.0.2.2:5000');
    expect(e.code).toBe(495);
    expect(e.message).toBe('Get "https://192.0.2.2:5000/v2/": x509: certificate signed by unknown authority');
    expect(e.hint).toContain('/etc/docker/certs.d/192.0.2.2:5000/ca.crt');
  });

  it('adds the insecure-registries hint for an http registry', () => {
    const e = pullError(new EngineRequestError(500, 'Get "https://10.0.0.1:5000/v2/": http: server gave HTTP response to HTTPS client'), '10.0.0.1:5000');
    expect(e.hint).toContain('"insecure-registries"');
    expect(e.hint).toContain('10.0.0.1:5000');
  });

  it('classifies not found, credentials, rate limits and unreachable registries', () => {
    expect(pullError(new EngineRequestError(404, 'manifest for 127.0.0.1:5000/team/alpha:nope not found: manifest unknown: manifest unknown'), 'h').code).toBe(404);
    expect(pullError(new Error('unauthorized: authentication required'), 'h').code).toBe(401);
    expect(pullError(new Error('toomanyrequests: You have reached your pull rate limit'), 'h').code).toBe(429);
    expect(pullError(new Error('Get "https://h/v2/": dial tcp 1.2.3.4:443: connect: connection refused'), 'h').code).toBe(503);
    expect(pullError(new Error('something else'), 'h').code).toBe(502);
  });
});

describe('resolveRef (--registry, one rule for pulls, tags and inspect)', () => {
  it('puts short names on that registry, keeps library/ for docker.io only, and refuses another host', () => {
    const lab = { name: 'lab', url: 'https://registry.example.com:5000', trustCert: false, username: '', password: '', version: 'v2' as const };
    const hub = { name: 'Docker Hub', url: 'https://registry-1.docker.io', trustCert: false, username: '', password: '', version: 'v2' as const, builtin: true };
    const registries = { get: (name: string) => (name === 'lab' ? lab : hub) };
    const on = (ref: string, name: string) => refString(resolveRef(ref, registries, name));
    expect(on('app', 'lab')).toBe('registry.example.com:5000/app');
    expect(on('team/app:1.0', 'lab')).toBe('registry.example.com:5000/team/app:1.0');
    expect(on('registry.example.com:5000/team/app', 'lab')).toBe('registry.example.com:5000/team/app');
    expect(() => on('other.example.com/team/app', 'lab')).toThrow(InvalidInput);
    expect(on('redis', 'Docker Hub')).toBe('docker.io/library/redis');
    expect(() => on('quay.io/x/y', 'Docker Hub')).toThrow(/names registry quay.io, not Docker Hub/);
  });
});

describe('platformOf and authFor', () => {
  it('gives the usual arm variants', () => {
    expect(platformOf('linux', 'amd64')).toBe('linux/amd64');
    expect(platformOf('linux', 'arm64')).toBe('linux/arm64/v8');
    expect(platformOf('', 'x')).toBeNull();
  });

  it('uses docker.io\'s credential key for the Hub and the host elsewhere', () => {
    expect(authFor({ kind: 'basic', username: 'u', password: 'p', source: 's' }, 'docker.io')).toEqual({ username: 'u', password: 'p', serveraddress: 'https://index.docker.io/v1/' });
    expect(authFor({ kind: 'identitytoken', username: '', token: 't', source: 's' }, 'r:5000')).toEqual({ identitytoken: 't', serveraddress: 'r:5000' });
  });
});

describe('an engine that accepts the connection but never answers', () => {
  it('ends `image list` (listLocal) and `info` with a TimedOut instead of hanging', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-silent-'));
    const socket = join(dir, 'engine.sock');
    const held = new Set<net.Socket>();
    const server = net.createServer((s) => {
      held.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(socket, r));
    try {
      const services = createEngineServices({
        env: { DOCKER_HOST: `unix://${socket}`, DOCKER_CLIENT_TIMEOUT: '0.2', HOME: dir },
        configDir: join(dir, 'cfg'),
        settings: () => ({}) as never,
        credentials: { resolve: async () => undefined },
        registries: () => ({ get: () => ({}) as never }),
        warn: () => undefined,
        workerCommand: { execPath: process.execPath, args: [] },
      });
      const error = await services.images.listLocal().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimedOut);
      expect((error as TimedOut).toJSON()).toEqual({
        code: 504,
        message: `the engine at unix://${socket} did not answer within 0.2 s (is dockerd stuck? DOCKER_CLIENT_TIMEOUT (seconds) sets a longer wait)`,
      });
      const info = await services.info();
      expect(info).toMatchObject({ reachable: false, error: { code: 504 } });
      expect(await services.installedIndex()).toBeNull();
    } finally {
      for (const s of held) s.destroy();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 10_000);
});
