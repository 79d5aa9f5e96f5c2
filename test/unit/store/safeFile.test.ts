// The settings folder's rules (issue 24, items 5 and 6) on real files: a folder others may write to or that
// belongs to another user is refused; files behind links are never followed; temporaries are made with
// O_EXCL and removed when a write fails; the registries rule that keeps a password with its host; and the
// small helpers of the same round (references with credentials, engine hosts, the ssh control folder).
import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHost } from '../../../src/clients/engine/endpoint';
import { sshControlDir } from '../../../src/clients/engine/ssh';
import { redactReference } from '../../../src/domain/sanitize';
import { RegistryService, type RegistryProbe } from '../../../src/services/registries';
import type { RegistryData } from '../../../src/store/registryStore';
import { SettingsStore } from '../../../src/store/settingsStore';
import { UnsafeSettings, checkSettingsFile, createExclusive, ensureSettingsDir, writeFileAtomic } from '../../../src/store/safeFile';
import { tempDir } from '../helpers';

const root = process.getuid?.() === 0;

describe('the settings folder and its files', () => {
  it('refuses a folder that group or others may write to, tightens one they may only read', () => {
    const dir = join(tempDir(), 'cfg');
    mkdirSync(dir);
    chmodSync(dir, 0o775);
    expect(() => ensureSettingsDir(dir)).toThrow(UnsafeSettings);
    expect(() => ensureSettingsDir(dir)).toThrow(`its group may write in it (mode 0775)`);
    chmodSync(dir, 0o755);
    ensureSettingsDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const fresh = join(tempDir(), 'a', 'b');
    ensureSettingsDir(fresh);
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
  });

  it.runIf(root)('refuses a folder that belongs to another user', () => {
    const dir = join(tempDir(), 'theirs');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 65534, 65534);
    expect(() => ensureSettingsDir(dir)).toThrow(`it belongs to another user (uid 65534)`);
    expect(() => new SettingsStore(dir, () => undefined)).toThrow(UnsafeSettings);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never writes or chmods through a link, and refuses what is not a regular file', () => {
    const dir = tempDir();
    const target = join(dir, 'target');
    writeFileSync(target, 'keep me\n', { mode: 0o644 });
    const link = join(dir, 'settings.json');
    symlinkSync(target, link);
    expect(() => checkSettingsFile(link)).toThrow('it is a symbolic link');
    expect(() => writeFileAtomic(link, '{}')).toThrow('it is a symbolic link');
    expect(() => new SettingsStore(dir, () => undefined)).toThrow('it is a symbolic link');
    expect(readFileSync(target, 'utf8')).toBe('keep me\n');
    expect(statSync(target).mode & 0o777).toBe(0o644);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    mkdirSync(join(dir, 'registries.json'));
    expect(() => checkSettingsFile(join(dir, 'registries.json'))).toThrow('it is not a regular file');
  });

  it('creates its own files exclusively (a planted link is not followed) and leaves no temporary file', () => {
    const dir = tempDir();
    const target = join(dir, 'elsewhere');
    writeFileSync(target, 'untouched');
    symlinkSync(target, join(dir, 'lock.123'));
    expect(() => createExclusive(join(dir, 'lock.123'), '123')).toThrow(/EEXIST/);
    expect(readFileSync(target, 'utf8')).toBe('untouched');
    writeFileAtomic(join(dir, 'notes.json'), '{"a":1}\n');
    expect(readFileSync(join(dir, 'notes.json'), 'utf8')).toBe('{"a":1}\n');
    expect(statSync(join(dir, 'notes.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['elsewhere', 'lock.123', 'notes.json']);
  });
});

describe('a registry moved to another host', () => {
  function service(seen: Array<{ url: string; password?: string }>, warnings: string[]): RegistryService {
    let data: RegistryData = { registries: [], repositories: [] };
    const probe: RegistryProbe = {
      ping: async () => 'v2',
      certificateFingerprint: async () => 'ab',
      login: async (url, options) => {
        seen.push({ url, ...(options.password !== undefined ? { password: options.password } : {}) });
        return options.password ? 'ok' : 'needs-credentials';
      },
    };
    return new RegistryService({ read: () => data, update: (change) => (data = change(data)) }, 'https://registry-1.docker.io', probe, (w) => warnings.push(w));
  }

  it('loses its saved password (and its saved repositories\') unless one is given again; the new host never sees it', async () => {
    const seen: Array<{ url: string; password?: string }> = [];
    const warnings: string[] = [];
    const registries = service(seen, warnings);
    await registries.add({ name: 'lab', url: 'https://lab.example', username: 'ops', password: 'lab-secret' });
    expect(seen.at(-1)).toEqual({ url: 'https://lab.example', password: 'lab-secret' });
    // Another scheme on the same host keeps it; another port is another host.
    expect((await registries.edit('lab', { url: 'http://lab.example' })).password).toBe('lab-secret');
    const moved = await registries.edit('lab', { url: 'https://lab.example:8443' });
    expect(moved).toMatchObject({ username: 'ops', password: '' });
    expect(seen.at(-1)).toEqual({ url: 'https://lab.example:8443' });
    expect(warnings.at(-1)).toBe(
      'the saved passwords of registry "lab" were for lab.example and are not sent to lab.example:8443: give them again (`stevedore registry edit lab --password-stdin`, `stevedore repo update NAME --password-stdin`)',
    );
    const given = await registries.edit('lab', { url: 'https://other.example', password: 'new-secret' });
    expect(given.password).toBe('new-secret');
    expect(seen.filter((s) => s.url !== 'https://lab.example' && s.url !== 'http://lab.example').map((s) => s.password)).not.toContain('lab-secret');
  });
});

describe('credentials in references and engine hosts; the ssh control folder', () => {
  it('masks the credentials of a reference written as a URL or without a scheme', () => {
    expect(redactReference('http://ops:hunter2@reg.example/app:1')).toBe('http://***@reg.example/app:1');
    expect(redactReference('https://token@reg.example/app')).toBe('https://***@reg.example/app');
    expect(redactReference('ops:hunter2@reg.example/app')).toBe('***@reg.example/app');
    expect(redactReference('redis:7@sha256:abc')).toBe('redis:7@sha256:abc');
  });

  it('refuses engine hosts with credentials or a query, without echoing them', () => {
    for (const host of ['tcp://ops:hunter2@h:2375', 'tcp://ops@h:2375', 'unix://ops:hunter2@/run/docker.sock', 'unix:///run/docker.sock?password=hunter2', 'tcp://h:2375?key=hunter2', 'ssh://ops:hunter2@h', 'ssh://ops@h#hunter2']) {
      let message = '';
      try {
        parseHost(host, 'DOCKER_HOST', null);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, host).toMatch(/must not carry credentials or a query/);
      expect(message).not.toContain('hunter2');
    }
    expect(parseHost('ssh://ops@nas:2222', 'DOCKER_HOST', null)).toMatchObject({ kind: 'ssh', user: 'ops', port: 2222 });
  });

  it.runIf(root)('passes over a control folder in the temp folder that is not ours, for one in the settings folder', () => {
    const tmp = tempDir();
    const settings = join(tempDir(), 'cfg');
    const taken = join(tmp, `stevedore-ssh-${process.getuid?.() ?? 0}`);
    mkdirSync(taken, { mode: 0o700 });
    chownSync(taken, 65534, 65534);
    const dir = sshControlDir({ TMPDIR: tmp, STEVEDORE_CONFIG_DIR: settings });
    expect(dir).toBe(join(settings, 'ssh'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    // An explicit STEVEDORE_SSH_CONTROL_DIR that is not private is an error, not passed over.
    expect(() => sshControlDir({ STEVEDORE_SSH_CONTROL_DIR: taken })).toThrow('is not a private directory of this user');
  });
});
