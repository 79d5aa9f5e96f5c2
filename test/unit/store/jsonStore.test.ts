import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, chmodSync, mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistryStore } from '../../../src/store/registryStore';
import { SettingsStore } from '../../../src/store/settingsStore';
import { tempDir } from '../helpers';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('settings and registry files', () => {
  it('creates the directory 0700 and files 0600, even when the file was looser before', () => {
    const dir = join(tempDir(), 'nested', 'stevedore');
    const warnings: string[] = [];
    const store = new RegistryStore(dir, (w) => warnings.push(w));
    store.update((d) => ({ ...d, registries: [{ name: 'lab', url: 'https://lab.example:5000', trustCert: false, username: 'u', password: 's3cret', version: 'v2' }] }));
    expect(mode(dir)).toBe(0o700);
    expect(mode(store.path)).toBe(0o600);

    chmodSync(store.path, 0o644);
    const again = new RegistryStore(dir, (w) => warnings.push(w));
    expect(mode(again.path)).toBe(0o600);
    expect(again.read().registries[0]?.password).toBe('s3cret');

    const settings = new SettingsStore(dir, (w) => warnings.push(w));
    settings.set('http.timeout', 20);
    expect(mode(settings.path)).toBe(0o600);
    expect(warnings).toEqual([]);
  });

  it('moves a corrupt file aside, keeps it, restores defaults and warns once', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'settings.json'), '{"http.timeout": 20, ', { mode: 0o600 });
    const warnings: string[] = [];
    const store = new SettingsStore(dir, (w) => warnings.push(w));
    expect(store.all()).toEqual({ catalog: '', 'downloads.concurrency': 2, 'http.timeout': 15, platform: '', 'updates.ttl': '6h', 'updates.concurrency': 4, 'updates.interval': '6h', 'updates.keep_previous': '7d', 'keys.escape_ms': 0 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/settings\.json was not valid JSON; kept it as .*settings\.json\.corrupt-\d{8}T\d{6}Z-[0-9a-f]{6} and restored defaults/);
    const aside = readdirSync(dir).filter((f) => f.startsWith('settings.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe('{"http.timeout": 20, ');
    // Reading again does not warn again: the file is healthy now.
    store.all();
    expect(warnings).toHaveLength(1);
    expect(mode(join(dir, 'settings.json'))).toBe(0o600);
  });

  it('recovers a registries file of the wrong shape without losing it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'registries.json'), JSON.stringify({ registries: 'nope' }));
    const warnings: string[] = [];
    const store = new RegistryStore(dir, (w) => warnings.push(w));
    expect(store.read()).toEqual({ registries: [], repositories: [] });
    expect(warnings[0]).toMatch(/not in the expected shape/);
    expect(readdirSync(dir).some((f) => f.startsWith('registries.json.corrupt-'))).toBe(true);
  });

  it('drops only the entries it cannot use, keeps the others and a copy of the original', () => {
    const dir = tempDir();
    const original = JSON.stringify({
      registries: [
        { name: 'good', url: 'https://good.example', version: 'v2', username: 'u', password: 'p', enable_trust_cert: false },
        { name: 'bad', url: 'https://bad.example', version: 'v3' },
      ],
      repositories: [{ name: 'good.example/app', username: '', password: '' }, { nope: 1 }],
    });
    writeFileSync(join(dir, 'registries.json'), original);
    const warnings: string[] = [];
    const data = new RegistryStore(dir, (w) => warnings.push(w)).read();
    expect(data.registries.map((r) => r.name)).toEqual(['good']);
    expect(data.repositories.map((r) => r.name)).toEqual(['good.example/app']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/registry entry 2 \("bad"\) is not usable.*saved repository entry 2 has no name; ignored them and kept the original file as/);
    const copies = readdirSync(dir).filter((f) => f.startsWith('registries.json.corrupt-'));
    expect(copies).toHaveLength(1);
    expect(readFileSync(join(dir, copies[0]!), 'utf8')).toBe(original);
    expect(mode(join(dir, copies[0]!))).toBe(0o600);
  });

  it('reads fields of the wrong type in a registry entry as empty, and a file that is a list, null or a number as no file (one line said, no crash)', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'registries.json'),
      JSON.stringify({ registries: [{ name: 'lab', url: 'https://lab.example', version: 'v2', enable_trust_cert: 'yes', username: 7, password: null, certificate_sha256: ['x'] }] }),
    );
    const warnings: string[] = [];
    const data = new RegistryStore(dir, (w) => warnings.push(w)).read();
    expect(data).toEqual({ registries: [{ name: 'lab', url: 'https://lab.example', version: 'v2', trustCert: false, username: '', password: '' }], repositories: [] });
    expect(warnings).toEqual([]);
    for (const body of ['[]', 'null', '42', '"text"', '{"registries": [1], "repositories": {}}']) {
      const d = tempDir();
      writeFileSync(join(d, 'registries.json'), body);
      const said: string[] = [];
      expect(new RegistryStore(d, (w) => said.push(w)).read()).toEqual({ registries: [], repositories: [] });
      // conf reads a file that holds no object as empty (nothing in it to keep); a wrong shape is moved aside.
      expect(said.length).toBeLessThanOrEqual(1);
      for (const line of said) expect(line).not.toContain('\n');
    }
  });

  it('tightens a settings directory that exists with looser rights', () => {
    const dir = join(tempDir(), 'cfg');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    new SettingsStore(dir, () => undefined).all();
    expect(mode(dir)).toBe(0o700);
  });

  it('takes over a lock left by a process that is gone, or an old one; waits for a live one', async () => {
    const dir = tempDir();
    const store = new RegistryStore(dir, () => undefined);
    const add = (name: string) => store.update((d) => ({ ...d, registries: [...d.registries, { name, url: `https://${name}.example`, trustCert: false, username: '', password: '', version: 'v2' as const }] }));
    const lock = join(dir, 'registries.json.lock');
    // A pid no process has (above the kernel's pid_max).
    writeFileSync(lock, '99999999');
    add('one');
    expect(existsSync(lock)).toBe(false);
    // No pid in it, and older than 10 s on the file system's clock.
    writeFileSync(lock, '');
    const old = new Date(statSync(lock).mtimeMs - 60_000);
    utimesSync(lock, old, old);
    add('two');
    // A live owner (this process) is waited for, then the change fails with a clear message.
    writeFileSync(lock, String(process.pid));
    expect(() => add('three')).toThrow(/is held by another stevedore process; try again/);
    expect(store.read().registries.map((r) => r.name)).toEqual(['one', 'two']);
  });

  it('does not lose changes made by several processes at once', async () => {
    const dir = tempDir();
    const { spawn } = await import('node:child_process');
    const script = `
      import { RegistryStore } from ${JSON.stringify(new URL('../../../src/store/registryStore.ts', import.meta.url).pathname)};
      const s = new RegistryStore(process.argv[1], () => {});
      for (let i = 0; i < 5; i++) s.update((d) => ({ ...d, registries: [...d.registries, { name: process.argv[2] + i, url: 'https://' + process.argv[2] + i + '.example', trustCert: false, username: '', password: '', version: 'v2' }] }));
    `;
    const runs = ['a', 'b', 'c', 'd'].map(
      (who) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir, who], { stdio: 'inherit' });
          child.on('close', resolve);
        }),
    );
    expect(await Promise.all(runs)).toEqual([0, 0, 0, 0]);
    const names = new RegistryStore(dir, () => undefined).read().registries.map((r) => r.name);
    expect(names).toHaveLength(20);
  }, 60_000);

  it('resets a single bad setting to its default and keeps the others', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ 'http.timeout': 'soon', 'downloads.concurrency': 4, unknown: 1 }));
    const warnings: string[] = [];
    const store = new SettingsStore(dir, (w) => warnings.push(w));
    expect(store.all()).toMatchObject({ 'http.timeout': 15, 'downloads.concurrency': 4 });
    expect(warnings).toEqual(['setting http.timeout had an invalid value; using the default']);
  });

  it('survives a file that turns corrupt while running', () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const warnings: string[] = [];
    const store = new SettingsStore(dir, (w) => warnings.push(w));
    store.set('platform', 'linux/arm64');
    writeFileSync(join(dir, 'settings.json'), '\u0000\u0000garbage');
    expect(store.get('platform')).toBe('');
    expect(warnings).toHaveLength(1);
    expect(existsSync(join(dir, 'settings.json'))).toBe(true);
  });
});
