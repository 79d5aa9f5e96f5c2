import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
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
    expect(store.all()).toEqual({ catalog: '', 'downloads.concurrency': 2, 'http.timeout': 15, platform: '' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/settings\.json was not valid JSON; kept it as .*settings\.json\.corrupt-\d{8}T\d{6}Z and restored defaults/);
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
    writeFileSync(join(dir, 'registries.json'), JSON.stringify({ registries: [{ name: 'x' }] }));
    const warnings: string[] = [];
    const store = new RegistryStore(dir, (w) => warnings.push(w));
    expect(store.read()).toEqual({ registries: [], repositories: [] });
    expect(warnings[0]).toMatch(/not in the expected shape/);
    expect(readdirSync(dir).some((f) => f.startsWith('registries.json.corrupt-'))).toBe(true);
  });

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
