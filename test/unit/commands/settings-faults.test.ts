// A settings folder on a real full or read-only file system (a 64 KiB tmpfs, filled, then remounted
// read-only): `registry add` and `config set` name the folder and the cause, exit 1, and the old files stay
// intact. Needs root (mount); the CI runs as root, and says so when it is not.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RegistryProbe } from '../../../src/services/registries';
import { runCli } from './cliHarness';

const probe: RegistryProbe = { ping: async () => 'v2', certificateFingerprint: async () => 'AA' };
const mounts: string[] = [];
const root = typeof process.getuid === 'function' && process.getuid() === 0;

afterEach(() => {
  for (const dir of mounts.splice(0)) {
    execFileSync('umount', [dir]);
    rmdirSync(dir);
  }
});

function tinyDisk(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sd-tinyfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

function fill(dir: string): void {
  try {
    writeFileSync(join(dir, 'filler'), Buffer.alloc(1024 * 1024));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
}

describe.runIf(root || process.env.CI === 'true')('a settings folder that cannot be written', () => {
  it('full (ENOSPC): names the folder and the cause, exit 1, the old files intact', async () => {
    const dir = tinyDisk();
    expect((await runCli(dir, ['registry', 'add', 'lab', '--url', 'https://lab.example:5000'], { probe })).code).toBe(0);
    const before = readFileSync(join(dir, 'registries.json'), 'utf8');
    fill(dir);
    const r = await runCli(dir, ['registry', 'add', 'other', '--url', 'https://other.example:5000', '--json'], { probe });
    expect(r.code).toBe(1);
    expect(r.json()).toEqual({
      error: { code: 503, message: `cannot write in ${dir}: no space left on the device (ENOSPC) (free some space and try again; nothing was changed)` },
    });
    expect(readFileSync(join(dir, 'registries.json'), 'utf8')).toBe(before);
    const human = await runCli(dir, ['config', 'set', 'http.timeout', '30']);
    expect(human.code).toBe(1);
    expect(human.stderr).toBe(`error: cannot write in ${dir}: no space left on the device (ENOSPC) (free some space and try again; nothing was changed)\n`);
    expect(human.stderr).not.toContain('this is a bug');
  });

  it('read-only (EROFS): the same, naming the cause', async () => {
    const dir = tinyDisk();
    expect((await runCli(dir, ['registry', 'add', 'lab', '--url', 'https://lab.example:5000'], { probe })).code).toBe(0);
    const before = readFileSync(join(dir, 'registries.json'), 'utf8');
    execFileSync('mount', ['-o', 'remount,ro', dir]);
    const r = await runCli(dir, ['registry', 'rm', 'lab']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: cannot write in ${dir}: the file system is read-only (EROFS) (check the folder and its permissions; nothing was changed)\n`);
    expect(readFileSync(join(dir, 'registries.json'), 'utf8')).toBe(before);
  });
});
