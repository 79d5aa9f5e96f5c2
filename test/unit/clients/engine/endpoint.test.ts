import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInput, UntrustedCertificate } from '../../../../src/domain/errors';
import { currentContext, dockerContexts, endpointKey, parseHost, resolveEndpoint } from '../../../../src/clients/engine/endpoint';
import { EngineTransport } from '../../../../src/clients/engine/transport';

let home: string;
let dockerConfig: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'sd-endpoint-'));
  dockerConfig = join(home, '.docker');
  mkdirSync(dockerConfig);
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function context(name: string, host: string, extra: Record<string, unknown> = {}, tls?: Record<string, string>): void {
  const id = createHash('sha256').update(name).digest('hex');
  mkdirSync(join(dockerConfig, 'contexts', 'meta', id), { recursive: true });
  writeFileSync(join(dockerConfig, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, ...extra } } }));
  if (tls) {
    const dir = join(dockerConfig, 'contexts', 'tls', id, 'docker');
    mkdirSync(dir, { recursive: true });
    for (const [file, content] of Object.entries(tls)) writeFileSync(join(dir, file), content);
  }
}

const resolve = (env: NodeJS.ProcessEnv) => resolveEndpoint({ HOME: home, ...env }, { home });

describe('resolveEndpoint', () => {
  it('defaults to the system socket', () => {
    expect(resolve({})).toMatchObject({ kind: 'unix', socketPath: '/var/run/docker.sock', description: 'unix:///var/run/docker.sock', source: 'default' });
  });

  it('reads DOCKER_HOST: unix, tcp (with default ports), bare host:port, ssh with user, port and socket', () => {
    expect(resolve({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toMatchObject({ kind: 'unix', socketPath: '/run/user/1000/docker.sock' });
    expect(resolve({ DOCKER_HOST: 'tcp://10.0.0.5' })).toMatchObject({ kind: 'tcp', host: '10.0.0.5', port: 2375, tls: null, description: 'tcp://10.0.0.5:2375' });
    expect(resolve({ DOCKER_HOST: 'nas.local:2375' })).toMatchObject({ kind: 'tcp', host: 'nas.local', port: 2375 });
    expect(resolve({ DOCKER_HOST: 'ssh://admin@nas:2222' })).toMatchObject({ kind: 'ssh', host: 'nas', user: 'admin', port: 2222, remoteSocket: null, description: 'ssh://admin@nas:2222' });
    expect(resolve({ DOCKER_HOST: 'ssh://nas/var/run/docker.sock' })).toMatchObject({ kind: 'ssh', user: null, port: null, remoteSocket: '/var/run/docker.sock' });
  });

  it('uses TLS for tcp with DOCKER_TLS_VERIFY and the files of DOCKER_CERT_PATH', () => {
    const certs = join(home, 'certs');
    mkdirSync(certs);
    writeFileSync(join(certs, 'ca.pem'), 'CA');
    writeFileSync(join(certs, 'cert.pem'), 'CERT');
    writeFileSync(join(certs, 'key.pem'), 'KEY');
    const e = resolve({ DOCKER_HOST: 'tcp://nas:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs });
    expect(e.kind).toBe('tcp');
    if (e.kind !== 'tcp') return;
    expect(e.tls?.verify).toBe(true);
    expect(e.tls?.ca?.toString()).toBe('CA');
    expect(e.tls?.key?.toString()).toBe('KEY');
    expect(() => resolve({ DOCKER_HOST: 'tcp://nas:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(home, 'none') })).toThrow(InvalidInput);
    const noVerify = resolve({ DOCKER_HOST: 'tcp://nas', DOCKER_TLS: '1', DOCKER_CERT_PATH: certs });
    expect(noVerify).toMatchObject({ port: 2376, tls: { verify: false } });
  });

  it('rejects what docker would not take', () => {
    expect(() => resolve({ DOCKER_HOST: 'ftp://nas' })).toThrow(/unsupported DOCKER_HOST/);
    expect(() => resolve({ DOCKER_HOST: 'ssh://user:secret@nas' })).toThrow(/must not carry credentials/);
  });

  it('follows DOCKER_CONTEXT, then config.json currentContext, with DOCKER_HOST winning over both', () => {
    context('nas', 'ssh://admin@nas');
    context('lab', 'tcp://lab:2376', { SkipTLSVerify: true }, { 'ca.pem': 'LABCA' });
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ currentContext: 'nas' }));
    expect(resolve({})).toMatchObject({ kind: 'ssh', host: 'nas', source: 'docker context "nas" (current docker context)' });
    expect(resolve({ DOCKER_CONTEXT: 'lab' })).toMatchObject({ kind: 'tcp', host: 'lab', tls: { verify: false }, source: 'docker context "lab" (DOCKER_CONTEXT)' });
    expect(resolve({ DOCKER_CONTEXT: 'default' })).toMatchObject({ kind: 'unix', source: 'default' });
    expect(resolve({ DOCKER_HOST: 'unix:///x.sock', DOCKER_CONTEXT: 'lab' })).toMatchObject({ kind: 'unix', socketPath: '/x.sock' });
    expect(() => resolve({ DOCKER_CONTEXT: 'missing' })).toThrow(/docker context "missing" \(DOCKER_CONTEXT\) does not exist/);
  });

  it('honours DOCKER_CONFIG for contexts', () => {
    const other = join(home, 'other');
    mkdirSync(other);
    const id = createHash('sha256').update('x').digest('hex');
    mkdirSync(join(other, 'contexts', 'meta', id), { recursive: true });
    writeFileSync(join(other, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Endpoints: { docker: { Host: 'unix:///other.sock' } } }));
    writeFileSync(join(other, 'config.json'), JSON.stringify({ currentContext: 'x' }));
    expect(resolve({ DOCKER_CONFIG: other })).toMatchObject({ socketPath: '/other.sock' });
  });

  it('reads a malformed context or config.json as docker does: no context, or a one-line 400, never a crash', () => {
    const write = (name: string, body: string) => {
      const id = createHash('sha256').update(name).digest('hex');
      mkdirSync(join(dockerConfig, 'contexts', 'meta', id), { recursive: true });
      writeFileSync(join(dockerConfig, 'contexts', 'meta', id, 'meta.json'), body);
    };
    write('list', '[]');
    write('nohost', JSON.stringify({ Name: 'nohost', Endpoints: { docker: { Host: 7 } } }));
    write('weird', JSON.stringify({ Name: 'weird', Metadata: 'x', Endpoints: { docker: { Host: 'unix:///w.sock', SkipTLSVerify: 'yes' } } }));
    write('broken', '{');
    expect(dockerContexts(dockerConfig)).toEqual([{ name: 'weird', host: 'unix:///w.sock', description: '', skipTlsVerify: false }]);
    for (const name of ['list', 'nohost']) expect(() => resolve({ DOCKER_CONTEXT: name })).toThrow(new RegExp(`docker context "${name}" has no docker endpoint`));
    expect(() => resolve({ DOCKER_CONTEXT: 'broken' })).toThrow(/does not exist/);
    for (const body of ['null', '[]', '{"currentContext": 5}', '{']) {
      writeFileSync(join(dockerConfig, 'config.json'), body);
      expect(currentContext(dockerConfig)).toBeNull();
    }
  });

  it('gives a short stable key per endpoint', () => {
    const a = endpointKey(resolve({ DOCKER_HOST: 'unix:///a.sock' }));
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    expect(endpointKey(resolve({ DOCKER_HOST: 'unix:///a.sock' }))).toBe(a);
    expect(endpointKey(resolve({ DOCKER_HOST: 'unix:///b.sock' }))).not.toBe(a);
  });
});

describe('ssh failures', async () => {
  const { classifySsh } = await import('../../../../src/clients/engine/ssh');
  it('tells an unknown host key, a refused login, docker missing (127), a stopped daemon and an unreachable host apart', () => {
    expect(classifySsh(255, 'No ED25519 host key is known for [nas]:22 and you have requested strict checking.\nHost key verification failed.\n').kind).toBe('host-key');
    expect(classifySsh(255, 'admin@nas: Permission denied (publickey,password).\n').kind).toBe('auth');
    expect(classifySsh(127, 'sh: docker: command not found\n').kind).toBe('docker-missing');
    expect(classifySsh(1, 'failed to open the raw stream connection: dial unix /var/run/docker.sock: connect: no such file or directory\n').kind).toBe('daemon');
    expect(classifySsh(1, 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n').kind).toBe('daemon');
    expect(classifySsh(255, 'ssh: connect to host nas port 22: Connection refused\n').kind).toBe('unreachable');
    expect(classifySsh(255, 'ssh: Could not resolve hostname nas: Name or service not known\n').detail).toBe('ssh: Could not resolve hostname nas: Name or service not known');
  });
});

describe('EngineTransport.translate: certificates out of their dates', () => {
  it("names this machine's clock for an expired or not-yet-valid certificate, and the CA for an unknown one", () => {
    const transport = new EngineTransport(parseHost('tcp://engine.lan:2376', 'test', null), {});
    const hint = (code: string): string => {
      const error = transport.translate(Object.assign(new Error(`tls: ${code}`), { code }));
      expect(error).toBeInstanceOf(UntrustedCertificate);
      return (error as UntrustedCertificate).hint ?? '';
    };
    expect(hint('CERT_NOT_YET_VALID')).toMatch(/^check this machine's date and time \(it says \d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/);
    expect(hint('CERT_HAS_EXPIRED')).toMatch(/^check this machine's date and time/);
    expect(hint('SELF_SIGNED_CERT_IN_CHAIN')).toContain('--cert-path DIR');
  });
});
