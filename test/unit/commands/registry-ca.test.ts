// A private CA (issue 20, item 5): `registry add|edit --ca-file PATH` verifies a registry's certificate with it
// (kept in registries.json), and docker's certs.d (`HOST:PORT/ca.crt`) is trusted for stevedore's own requests
// as docker trusts it for pulls; against a real TLS server whose certificate no system CA signed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryProber, Transport } from '../../../src/clients/registry/index';
import type { RegistryProbe } from '../../../src/services/registries';
import { selfSigned, sendJson, startServer, type SelfSigned, type TestServer } from '../../fixtures/remote/servers';
import { tempDir } from '../helpers';
import { runCli } from './cliHarness';

let ca: SelfSigned;
let server: TestServer;
const prober = new RegistryProber(() => ({ timeoutMs: 3_000, maxRetries: 0, env: { STEVEDORE_DOCKER_CERTS_D: '' } }));
const probe: RegistryProbe = {
  ping: (url, options) => prober.ping(url, options),
  certificateFingerprint: (url) => prober.certificateFingerprint(url),
  login: (url, options) => prober.login(url, options),
};

beforeAll(async () => {
  // Its own CA: a certificate for 127.0.0.1 that only a CA list holding it verifies.
  ca = selfSigned('private registry');
  server = await startServer((req, res) => (req.url === '/v2/' ? sendJson(res, 200, {}, { 'docker-distribution-api-version': 'registry/2.0' }) : sendJson(res, 404, {})), ca);
});

afterAll(async () => {
  await server.close();
});

describe('a registry with a private CA', () => {
  it('`registry add --ca-file` verifies with it and keeps it; without it the certificate is refused (495)', async () => {
    const dir = tempDir();
    const file = join(dir, 'ca.pem');
    writeFileSync(file, ca.cert);
    const refused = await runCli(dir, ['registry', 'add', 'lab', '--url', server.url, '--json'], { probe });
    expect(refused.code).toBe(1);
    expect(refused.json()).toMatchObject({ error: { code: 495 } });

    const added = await runCli(dir, ['registry', 'add', 'lab', '--url', server.url, '--ca-file', file, '--json'], { probe });
    expect(added.code, added.stdout).toBe(0);
    expect(added.json()).toMatchObject({ name: 'lab', version: 'v2', enable_trust_cert: false });
    expect(JSON.parse(readFileSync(join(dir, 'registries.json'), 'utf8')).registries[0].ca_certificate).toContain('-----BEGIN CERTIFICATE-----');
    expect((await runCli(dir, ['registry', 'list'])).stdout).toMatch(/lab .*own CA/);

    // --no-ca-file drops it (the login check then cannot verify: saved with a warning, as an unreachable one).
    const dropped = await runCli(dir, ['registry', 'edit', 'lab', '--no-ca-file'], { probe });
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'registries.json'), 'utf8')).registries[0].ca_certificate).toBeUndefined();
  });

  it('a file that is not a CA, a missing file, and --trust-cert with --ca-file are one-line 400s', async () => {
    const dir = tempDir();
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate\n');
    for (const [args, message] of [
      [['--ca-file', junk], /holds no PEM certificate/],
      [['--ca-file', join(dir, 'missing.pem')], /cannot read --ca-file .*missing\.pem \(ENOENT\)/],
      [['--ca-file', junk, '--trust-cert'], /--trust-cert and --ca-file go one or the other/],
    ] as const) {
      const r = await runCli(dir, ['registry', 'add', 'lab', '--url', server.url, ...args], { probe });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });

  it("docker's certs.d: HOST:PORT/ca.crt is trusted for that registry, as docker trusts it", async () => {
    const certsD = tempDir();
    const transport = (dirs: string) => new Transport({ timeoutMs: 3_000, maxRetries: 0, env: { STEVEDORE_DOCKER_CERTS_D: dirs } });
    const without = transport(certsD);
    await expect(without.send({ url: `${server.url}/v2/` })).rejects.toMatchObject({ code: 495 });
    await without.close();
    mkdirSync(join(certsD, server.host));
    writeFileSync(join(certsD, server.host, 'ca.crt'), ca.cert);
    const withCa = transport(`/nonexistent:${certsD}`);
    expect((await withCa.send({ url: `${server.url}/v2/` })).status).toBe(200);
    await withCa.close();
  });
});
