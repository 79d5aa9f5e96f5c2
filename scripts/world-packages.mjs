#!/usr/bin/env node
// The system packages the test world and the bench need: ONE list (what to look for → Debian package), used by
// `npm test` (its `pretest` step runs this file) and by `.ci/run`. Each entry is found by a command on PATH, an
// absolute path, or a Python module of Debian's python3 (the python3 on PATH may be another one, e.g. pyenv's).
//
//   node scripts/world-packages.mjs            check; install what is missing (as root), else say what to install
//   node scripts/world-packages.mjs --list     print every package name (one line), installed or not
//   node scripts/world-packages.mjs --missing  print the missing package names (one line), install nothing
//
// As root with apt-get: installs exactly what is missing (`apt-get install --no-install-recommends`) and says so
// in one line (apt's own output goes to a log file, printed only when the install fails). Not root, or no
// apt-get: one message naming the packages; with CI=true that fails (exit 1), elsewhere the run goes on and the
// tests that need the world skip visibly (test/world/harness.ts).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `cmd`: a command on PATH; `path`: a program that must exist and be executable; `file`: a file that must exist;
 * `py`: a module Debian's /usr/bin/python3 imports. `why`: which tests or tool need it.
 */
export const WORLD_PACKAGES = [
  { cmd: 'dockerd', pkg: 'docker.io', why: 'the world engine (two dockerd)' },
  { cmd: 'docker-registry', pkg: 'docker-registry', why: 'the four registries' },
  { cmd: 'htpasswd', pkg: 'apache2-utils', why: 'the basic-auth registry' },
  { cmd: 'openssl', pkg: 'openssl', why: 'the world CA and certificates' },
  { cmd: 'ip', pkg: 'iproute2', why: 'the non-loopback address of the TLS registry' },
  { path: '/usr/sbin/sshd', pkg: 'openssh-server', why: 'ssh:// engines (the world sshd)' },
  { cmd: 'ssh', pkg: 'openssh-client', why: 'ssh:// engines' },
  { cmd: 'lxd', pkg: 'lxd', why: 'LXC images (the world LXD)' },
  { cmd: 'lxc', pkg: 'lxd-client', why: 'LXC images' },
  { cmd: 'xz', pkg: 'xz-utils', why: 'the LXC images the world serves' },
  { cmd: 'tmux', pkg: 'tmux', why: 'pseudo-terminal tests (app, doctor, package)' },
  { cmd: 'zsh', pkg: 'zsh', why: 'completion tests' },
  { cmd: 'fish', pkg: 'fish', why: 'completion tests' },
  { cmd: 'faketime', pkg: 'faketime', why: 'npm run test:later (the clock a year ahead)' },
  { cmd: 'stress-ng', pkg: 'stress-ng', why: 'tests under load (CPU-starved processes)' },
  { cmd: 'qemu-aarch64-static', pkg: 'qemu-user-static', why: 'images of other platforms; the arm64 single file (built and run under qemu)' },
  { file: '/usr/aarch64-linux-gnu/lib/libc.so.6', pkg: 'libc6-arm64-cross', why: 'the arm64 single file under qemu (npm run build:bin and its test)' },
  { file: '/usr/aarch64-linux-gnu/lib/libstdc++.so.6', pkg: 'libstdc++6-arm64-cross', why: 'the arm64 single file under qemu' },
  { file: '/usr/aarch64-linux-gnu/lib/libgcc_s.so.1', pkg: 'libgcc-s1-arm64-cross', why: 'the arm64 single file under qemu' },
  { cmd: 'strip', pkg: 'binutils', why: 'npm run build:bin (strips the x64 Node)' },
  { cmd: 'aarch64-linux-gnu-strip', pkg: 'binutils-aarch64-linux-gnu', why: 'npm run build:bin (strips the arm64 Node)' },
  { py: 'aiosmtpd', pkg: 'python3-aiosmtpd', why: 'a real SMTP server for notifications' },
  { cmd: 'systemd-analyze', pkg: 'systemd', why: '`systemd-analyze verify` of the unit files' },
  { cmd: 'crontab', pkg: 'cron', why: 'schedules installed with crontab' },
  { cmd: 'skopeo', pkg: 'skopeo', why: 'npm run bench (the comparison tool)' },
  { cmd: 'script', pkg: 'util-linux', why: 'npm run bench (a pseudo-terminal)' },
  { path: '/usr/bin/time', pkg: 'time', why: 'npm run bench (the peak RSS of each command)' },
];

/** Debian's own python3 (the one python3-* packages install for); the one on PATH may be pyenv's or a venv's. */
const DEBIAN_PYTHON = '/usr/bin/python3';

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(cmd, env = process.env) {
  // sbin too: a non-root PATH often lacks it, and dockerd, sshd and ip live there.
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  return dirs.some((dir) => dir && executable(join(dir, cmd)));
}

function present(entry) {
  if (entry.cmd) return onPath(entry.cmd);
  if (entry.path) return executable(entry.path);
  if (entry.file) return existsSync(entry.file);
  if (entry.py) return executable(DEBIAN_PYTHON) && spawnSync(DEBIAN_PYTHON, ['-c', `import ${entry.py}`], { stdio: 'ignore' }).status === 0;
  return false;
}

export function missingPackages() {
  return [...new Set(WORLD_PACKAGES.filter((e) => !present(e)).map((e) => e.pkg))];
}

function run(cmd, args, log) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  writeFileSync(log, `$ ${cmd} ${args.join(' ')}\n${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}\n`, { flag: 'a' });
  return r.status === 0;
}

/** apt-get install, with one `apt-get update` first when the package lists are missing or the install fails. */
function aptInstall(packages, log) {
  const args = ['install', '-y', '-q', '--no-install-recommends', ...packages];
  const hasLists = spawnSync('sh', ['-c', 'ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1']).status === 0;
  if (hasLists && run('apt-get', args, log)) return true;
  return run('apt-get', ['update', '-q'], log) && run('apt-get', args, log);
}

function main(argv) {
  if (argv.includes('--list')) {
    console.log([...new Set(WORLD_PACKAGES.map((e) => e.pkg))].join(' '));
    return 0;
  }
  const missing = missingPackages();
  if (argv.includes('--missing')) {
    if (missing.length > 0) console.log(missing.join(' '));
    return 0;
  }
  if (missing.length === 0) return 0;
  const ci = process.env.CI === 'true';
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !onPath('apt-get')) {
    const why = root ? 'apt-get is not available' : 'not root';
    console.error(
      `test world: missing Debian packages ${missing.join(' ')} (${why}): install them with\n` +
        `  sudo apt-get install --no-install-recommends ${missing.join(' ')}\n` +
        (ci ? 'CI=true: failing the run.' : 'The tests that need them are skipped, each with the reason.'),
    );
    return ci ? 1 : 0;
  }
  const log = join(mkdtempSync(join(tmpdir(), 'stevedore-apt-')), 'apt.log');
  const started = Date.now();
  process.stdout.write(`test world: apt-get install ${missing.join(' ')} …`);
  const ok = aptInstall(missing, log);
  const still = missingPackages();
  if (ok && still.length === 0) {
    process.stdout.write(` done in ${Math.round((Date.now() - started) / 1000)} s\n`);
    // (The log stays only when the install failed: the message points at it.)
    rmSync(dirname(log), { recursive: true, force: true });
    return 0;
  }
  const tail = readFileSync(log, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
  process.stdout.write(' failed\n');
  console.error(`${tail}\ntest world: could not install ${(still.length > 0 ? still : missing).join(' ')} (apt-get's output: ${log})`);
  return ci ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
