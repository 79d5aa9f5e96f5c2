// A second local user for multi-user cases (issue 24): another person on the same NAS who owns a settings
// folder, or creates /tmp/stevedore-ssh-UID before us. Made with useradd (a system user: no home, no login
// shell, its own group) under a name that carries the world's id, recorded in resources.json before it is
// made, and removed with userdel by cleanup() — stop() or the reaper. Tests act as that user through
// asUser(), which runs a command with its uid and gid (setpriv; the world runs as root).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { sleep } from './async.js';

export interface OtherUser {
  name: string;
  uid: number;
  gid: number;
}

/** The name of the world's second user: `sdw` and the world's id (useradd takes at most 32 characters). */
export function otherUserName(worldId: string): string {
  return `sdw-${worldId.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 16)}`;
}

/**
 * Creates the user (`record` is called with its name first, so a crash half-way still removes it). Several
 * worlds may run at once: useradd refuses while another holds /etc/passwd's lock, so it is tried again.
 */
export async function createOtherUser(worldId: string, record: (name: string) => void): Promise<OtherUser> {
  const name = otherUserName(worldId);
  record(name);
  let last = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    const r = spawnSync('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--user-group', '--comment', 'stevedore test world', name], { encoding: 'utf8' });
    if (r.status === 0 || /already exists/.test(r.stderr)) return lookup(name);
    last = (r.stderr || r.error?.message || `status ${r.status}`).trim();
    await sleep(250);
  }
  throw new Error(`could not create the test user ${name}: ${last}`);
}

/** Removes the users (and their groups) recorded by createOtherUser; ones already gone are fine. */
export async function removeUsers(names: string[]): Promise<void> {
  for (const name of names) {
    for (let attempt = 0; attempt < 20; attempt++) {
      if (!exists(name)) break;
      spawnSync('userdel', [name], { encoding: 'utf8' });
      if (!exists(name)) break;
      await sleep(250);
    }
  }
}

function exists(name: string): boolean {
  return fs.readFileSync('/etc/passwd', 'utf8').split('\n').some((l) => l.startsWith(`${name}:`));
}

function lookup(name: string): OtherUser {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error(`the test user ${name} is not in /etc/passwd`);
  return { name, uid: Number(uid), gid: Number(gid) };
}

/** Runs `command args…` as the user (its uid and gid, no other groups); returns the status and output. */
export function asUser(user: OtherUser, command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', command, ...args], {
    encoding: 'utf8',
    cwd: options.cwd ?? '/',
    env: options.env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? r.error?.message ?? '' };
}
