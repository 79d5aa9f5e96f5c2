// The registry form's CA file (the CLI's --ca-file): through the app's real registries port and service, against
// a TLS server whose certificate only its own CA verifies. Same checks and words as the CLI, named "CA file".
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registriesPort } from '../../src/app/registriesPort';
import { RegistryProber } from '../../src/clients/registry/index';
import { RegistryService, type RegistryProbe } from '../../src/services/registries';
import type { RegistryData } from '../../src/store/registryStore';
import { selfSigned, sendJson, startServer, type SelfSigned, type TestServer } from '../fixtures/remote/servers';
import { tempDir } from '../unit/helpers';
import { fakeServices } from './fakes';
import { KEY, renderApp } from './render';

let ca: SelfSigned;
let server: TestServer;
const prober = new RegistryProber(() => ({ timeoutMs: 3_000, maxRetries: 0, env: { STEVEDORE_DOCKER_CERTS_D: '' } }));
const probe: RegistryProbe = {
  ping: (url, options) => prober.ping(url, options),
  certificateFingerprint: (url) => prober.certificateFingerprint(url),
  login: (url, options) => prober.login(url, options),
};

beforeAll(async () => {
  ca = selfSigned('private registry');
  server = await startServer((req, res) => (req.url === '/v2/' ? sendJson(res, 200, {}, { 'docker-distribution-api-version': 'registry/2.0' }) : sendJson(res, 404, {})), ca);
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  cleanup();
});

function world() {
  let data: RegistryData = { registries: [], repositories: [] };
  const service = new RegistryService({ read: () => data, update: (change) => (data = change(data)) }, 'https://registry-1.docker.io', probe);
  const { services } = fakeServices({ local: [] });
  return { services: { ...services, registries: registriesPort(service) }, data: () => data };
}

/** Opens the Add form and types a name and the test server's URL, then tabs to the Trust cert field. */
async function openForm(app: ReturnType<typeof renderApp>) {
  await app.press('R');
  await app.waitFor((f) => f.includes('Docker Hub (built in)'));
  await app.press('a');
  await app.waitFor((f) => f.includes('Add a registry'));
  await app.type('lab');
  await app.press(KEY.tab);
  await app.type(server.url);
  await app.press(KEY.tab, KEY.tab);
}

describe('the registry form: CA file', () => {
  it('saves a registry whose certificate its own CA verifies; without the CA it says the certificate is not trusted', async () => {
    const dir = tempDir();
    const file = join(dir, 'ca.pem');
    writeFileSync(file, ca.cert);
    const w = world();
    const app = renderApp(w.services);
    await openForm(app);
    await app.press(KEY.enter);
    await app.waitFor((f) => /not trusted|certificate/i.test(f) && f.includes('Add a registry'), 'the certificate refused in the form');
    expect(w.data().registries).toEqual([]);
    // The refusal put the focus on Trust cert: the next field is the CA file.
    await app.waitFor((f) => f.includes('› Trust cert'));
    await app.press(KEY.tab);
    // In one write: a long path scrolls in the field (its start is cut), so it is not waited for as typed.
    app.write(file);
    await app.settled();
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('saved registry "lab"'), 'the registry saved');
    expect(w.data().registries[0]).toMatchObject({ name: 'lab', trustCert: false, version: 'v2' });
    expect(w.data().registries[0]?.caCert).toContain('-----BEGIN CERTIFICATE-----');
    expect(app.frame()).toMatch(/lab .*own CA/);
    // Editing keeps the CA unless a path replaces it.
    await app.press(KEY.down, 'e');
    await app.waitFor((f) => f.includes('Edit registry lab') && f.includes('its own CA is kept'));
  });

  it('a missing file, a file that is not a CA, and Trust cert with a CA file are said next to the field, nothing saved', async () => {
    const dir = tempDir();
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate\n');
    const cases: [string, boolean, RegExp][] = [
      [join(dir, 'missing.pem'), false, /cannot read CA file .*missing\.pem \(ENOENT\)/],
      [junk, false, /CA file .*junk\.pem holds no PEM certificate/],
      [junk, true, /Trust cert and CA file go one or the other/],
    ];
    for (const [path, trust, words] of cases) {
      const w = world();
      const app = renderApp(w.services);
      await openForm(app);
      if (trust) await app.press(' ');
      await app.press(KEY.tab);
      app.write(path);
      await app.settled();
      await app.press(KEY.enter);
      // The form's text as one line: its border and the wrapping left out (a long path wraps).
      await app.waitFor((f) => words.test(f.replace(/[│|]/g, ' ').replace(/\s+/g, ' ')), `"${words.source}" in the form`);
      expect(app.frame()).toContain('Add a registry');
      expect(w.data().registries).toEqual([]);
      cleanup();
    }
  });
});
