// The settings folder: there (or creatable), writable, private (0700) with private files (0600).
import { accessSync, constants, lstatSync, mkdtempSync, readdirSync, rmSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { fail, pass, type Check } from './types';

const octal = (mode: number): string => (mode & 0o777).toString(8).padStart(4, '0');

export function checkSettings(dir: string): Check[] {
  let st: Stats;
  try {
    st = lstatSync(dir);
  } catch {
    // Not there yet: the first command that saves something creates it (0700); its parent must let it.
    const parent = nearestExisting(dirname(dir));
    try {
      accessSync(parent, constants.W_OK | constants.X_OK);
      return [pass('settings.folder', 'settings', `${dir} does not exist yet; it is created (mode 0700) when something is saved`)];
    } catch {
      return [fail('settings.folder', 'settings', `${dir} does not exist and ${parent} is not writable`, `create it: mkdir -p -m 700 ${quote(dir)} (or set STEVEDORE_CONFIG_DIR to a folder of yours)`)];
    }
  }
  if (!st.isDirectory()) return [fail('settings.folder', 'settings', `${dir} is not a folder`, `move it away, or set STEVEDORE_CONFIG_DIR to a folder of yours`)];
  const checks: Check[] = [];
  try {
    // A real write, not only the mode bits: a read-only file system or a full disk shows here.
    rmSync(mkdtempSync(join(dir, '.doctor-')), { recursive: true, force: true });
    checks.push(pass('settings.folder', 'settings', `${dir} is writable`));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    checks.push(fail('settings.folder', 'settings', `${dir} is not writable (${code})`, code === 'EROFS' ? 'set STEVEDORE_CONFIG_DIR to a folder on a writable disk' : `make it yours: sudo chown -R "$USER" ${quote(dir)}`));
  }
  const loose: string[] = [];
  if ((st.mode & 0o077) !== 0) loose.push(`${dir} is ${octal(st.mode)}`);
  const files: string[] = [];
  try {
    for (const name of readdirSync(dir)) {
      const f = lstatSync(join(dir, name));
      if (!f.isFile() && !f.isSocket()) continue;
      files.push(name);
      if ((f.mode & 0o077) !== 0) loose.push(`${name} is ${octal(f.mode)}`);
    }
  } catch {
    // unreadable folder: the write check above says so
  }
  if (loose.length === 0) {
    checks.push(pass('settings.modes', 'settings modes', `folder 0700${files.length > 0 ? `, ${files.length} file${files.length === 1 ? '' : 's'} 0600` : ''}: only you can read them`));
  } else {
    checks.push(fail('settings.modes', 'settings modes', `others can read your settings (passwords included): ${loose.join(', ')}`, `chmod 700 ${quote(dir)} && chmod 600 ${quote(dir)}/*`));
  }
  return checks;
}

function nearestExisting(path: string): string {
  let p = path;
  for (;;) {
    try {
      lstatSync(p);
      return p;
    } catch {
      const up = dirname(p);
      if (up === p) return p;
      p = up;
    }
  }
}

function quote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
