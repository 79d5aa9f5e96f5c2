// The worker's socket directory in the shared temp directory (used when the settings path is too long for
// a unix socket): created 0700, and refused (never followed) when it is a symlink, not a directory, or
// another user's. A stand-in temp directory takes the place of /tmp.
import { chmodSync, chownSync, lstatSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DownloadsClient } from '../../../../src/services/downloads/client';
import { ensurePrivateDirs, UnsafeDirectory, workerPaths } from '../../../../src/services/downloads/paths';
import { tempDir } from '../../helpers';

const uid = typeof process.getuid === 'function' ? process.getuid() : 0;

/** A settings directory long enough to push the socket out to the temp directory. */
function longPaths() {
  const base = tempDir('sd-paths-');
  const tmp = join(base, 'tmp');
  mkdirSync(tmp);
  chmodSync(tmp, 0o1777);
  const configDir = join(base, 'c'.repeat(60), 'settings');
  const paths = workerPaths(configDir, 'abcdef012345', { tmpDir: tmp });
  return { base, tmp, paths, shared: join(tmp, `stevedore-${uid}`) };
}

describe('the socket directory in the shared temp directory', () => {
  it('is used for long settings paths, created mode 0700, and tightened when it is looser', () => {
    const { paths, shared } = longPaths();
    expect(paths.socket).toBe(join(shared, 'worker-abcdef012345-v1.sock'));
    expect(paths).toMatchObject({ socketDir: shared, sharedSocketDir: true });
    ensurePrivateDirs(paths);
    expect(statSync(shared).mode & 0o777).toBe(0o700);
    chmodSync(shared, 0o755);
    ensurePrivateDirs(paths);
    expect(statSync(shared).mode & 0o777).toBe(0o700);
    expect(statSync(paths.dir).mode & 0o777).toBe(0o700);
  });

  it('stays in the settings directory when the path is short', () => {
    const paths = workerPaths('/s', 'k', { tmpDir: '/nowhere' });
    expect(paths).toMatchObject({ socket: '/s/worker-k-v1.sock', socketDir: '/s', sharedSocketDir: false });
  });

  it('refuses a symlink planted in its place, naming it (and leaves the target alone)', () => {
    const { base, paths, shared } = longPaths();
    const target = join(base, 'elsewhere');
    mkdirSync(target, { mode: 0o755 });
    symlinkSync(target, shared);
    const error = (() => {
      try {
        ensurePrivateDirs(paths);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(UnsafeDirectory);
    expect((error as UnsafeDirectory).path).toBe(shared);
    expect((error as UnsafeDirectory).message).toBe(`refusing to use ${shared} for the download worker: it is a symbolic link`);
    expect(statSync(target).mode & 0o777).toBe(0o755);
    expect(lstatSync(shared).isSymbolicLink()).toBe(true);
  });

  it('refuses a dangling symlink and a file', () => {
    const one = longPaths();
    symlinkSync(join(one.base, 'missing'), one.shared);
    expect(() => ensurePrivateDirs(one.paths)).toThrow(/it is a symbolic link/);
    const two = longPaths();
    writeFileSync(two.shared, '');
    expect(() => ensurePrivateDirs(two.paths)).toThrow(UnsafeDirectory);
    expect(() => ensurePrivateDirs(two.paths)).toThrow(/it is not a directory/);
  });

  it.runIf(uid === 0)("refuses another user's directory", () => {
    const { paths, shared } = longPaths();
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    chownSync(shared, 12345, 12345);
    expect(() => ensurePrivateDirs(paths)).toThrow(new UnsafeDirectory(shared, 'it belongs to another user (uid 12345)'));
    expect(statSync(shared).mode & 0o777).toBe(0o777);
  });

  it('is checked by the client before it connects (and no worker is started)', async () => {
    const { base, paths, shared } = longPaths();
    mkdirSync(join(base, 'elsewhere'));
    symlinkSync(join(base, 'elsewhere'), shared);
    let spawned = 0;
    const c = new DownloadsClient({ paths, spawnWorker: () => void spawned++ });
    await expect(c.start('redis:7', null)).rejects.toBeInstanceOf(UnsafeDirectory);
    expect(spawned).toBe(0);
    c.close();
  });
});
