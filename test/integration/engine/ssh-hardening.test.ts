// ssh:// engines when the shared connection dies, or its usual folder was taken (issue 24, items 7 and 8),
// with the built CLI and the world's real sshd: the sshd process serving the shared connection is stopped
// (SIGSTOP: the far side goes silent, as on a dead Wi-Fi or VPN path) and a command is recovered over a new
// connection, or — with the listener stopped too — fails naming the ssh connection, within 10 s; and a
// /tmp/stevedore-ssh-UID made first by the world's second local user is passed over for the settings folder.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWorld } from '../../world/harness';
import { asUser, type WorldInfo } from '../../world/index';
import { sshLogins } from '../../world/sshd.js';
import { assertBuilt, run, session, type Session } from './helpers';

/** The pid of the shared connection (ssh's master) for this control directory, or null. */
function masterPid(world: WorldInfo, controlDir: string): number | null {
  const r = spawnSync('ssh', ['-F', world.ssh.clientConfig, '-o', `ControlPath=${join(controlDir, '%C')}`, '-p', String(world.ssh.port), '-O', 'check', 'root@127.0.0.1'], { encoding: 'utf8' });
  const m = /Master running \(pid=(\d+)\)/.exec(r.stderr);
  return m?.[1] ? Number(m[1]) : null;
}

/** The sshd process at the far end of the master's TCP connection (from `ss`: the peer of the master's port). */
function sshdServing(world: WorldInfo, master: number): number {
  const lines = spawnSync('ss', ['-tnpH'], { encoding: 'utf8' }).stdout.split('\n');
  const mine = lines.find((l) => l.includes(`pid=${master},`) && l.includes(`127.0.0.1:${world.ssh.port}`));
  const local = mine?.trim().split(/\s+/)[3];
  const far = lines.find((l) => l.includes(`127.0.0.1:${world.ssh.port} `) && local !== undefined && l.includes(` ${local} `) && l.includes('"sshd"'));
  const pid = /"sshd",pid=(\d+)/.exec(far ?? '')?.[1];
  if (!pid) throw new Error(`no sshd process found for the master ${master}:\n${lines.join('\n')}`);
  return Number(pid);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone
  }
}

function exitMaster(world: WorldInfo, controlDir: string): void {
  spawnSync('ssh', ['-F', world.ssh.clientConfig, '-o', `ControlPath=${join(controlDir, '%C')}`, '-p', String(world.ssh.port), '-O', 'exit', 'root@127.0.0.1'], { encoding: 'utf8' });
}

describeWorld('ssh engines: a dead shared connection, a taken control folder (issue 24)', (world: WorldInfo) => {
  const sessions: Session[] = [];
  const controlDirs: string[] = [];
  let base: string;

  beforeAll(() => {
    assertBuilt();
    base = mkdtempSync(join(tmpdir(), 'sd-ssh-'));
    chmodSync(base, 0o755); // the second user must reach the shared folder inside
  });

  afterAll(() => {
    for (const dir of controlDirs) exitMaster(world, dir);
    for (const s of sessions) rmSync(s.configDir, { recursive: true, force: true });
    rmSync(base, { recursive: true, force: true });
  });

  /** A session whose ssh uses the world's sshd, with a control directory of its own under the world's root. */
  const sshSession = async (): Promise<{ s: Session; controlDir: string }> => {
    const controlDir = join(world.root, 'ssh', `h${randomBytes(3).toString('hex')}`);
    controlDirs.push(controlDir);
    const s = session(world, { STEVEDORE_SSH_CONFIG: world.ssh.clientConfig, STEVEDORE_SSH_CONTROL_DIR: controlDir });
    sessions.push(s);
    const add = await run(s, ['engine', 'add', 'nas', '--host', world.ssh.url]);
    expect(add.code, add.stderr).toBe(0);
    const first = await run(s, ['image', 'list', '--engine', 'nas', '--json']);
    expect(first.code, first.stderr).toBe(0);
    return { s, controlDir };
  };

  it('recovers within 10 s when the far side of the shared connection goes silent (a stopped sshd session)', async () => {
    const { s, controlDir } = await sshSession();
    const master = masterPid(world, controlDir);
    expect(master).not.toBeNull();
    const stopped = sshdServing(world, master as number);
    const logins = sshLogins(world.ssh.log);
    signal(stopped, 'SIGSTOP');
    try {
      const t0 = performance.now();
      const r = await run(s, ['image', 'list', '--engine', 'nas', '--json']);
      const ms = performance.now() - t0;
      console.log(`[figure] shared ssh connection silent (sshd ${stopped} stopped): image list answered in ${(ms / 1000).toFixed(1)} s over ${sshLogins(world.ssh.log) - logins} new ssh login(s); exit ${r.code}`);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ category: 'local', results: expect.any(Array) });
      expect(ms).toBeLessThan(10_000);
      expect(sshLogins(world.ssh.log)).toBeGreaterThan(logins);
      // The dead shared connection was closed, not left to answer nothing for minutes.
      expect(masterPid(world, controlDir)).not.toBe(master);
    } finally {
      signal(stopped, 'SIGCONT');
    }
    // And the next command sets up a new shared connection and uses it.
    expect((await run(s, ['image', 'list', '--engine', 'nas', '--json'])).code).toBe(0);
    expect(masterPid(world, controlDir)).not.toBeNull();
  });

  it('names the ssh connection within 10 s when the host does not answer at all (session and listener stopped)', async () => {
    const { s, controlDir } = await sshSession();
    const master = masterPid(world, controlDir) as number;
    const session_ = sshdServing(world, master);
    const listener = Number(readFileSync(join(world.root, 'ssh', 'sshd.pid'), 'utf8').trim());
    signal(session_, 'SIGSTOP');
    signal(listener, 'SIGSTOP');
    try {
      const t0 = performance.now();
      const r = await run(s, ['image', 'list', '--engine', 'nas']);
      const ms = performance.now() - t0;
      console.log(`[figure] host silent: named in ${(ms / 1000).toFixed(1)} s: ${r.stderr.trim()}`);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error: the shared ssh connection to ssh://root@127\\.0\\.0\\.1:${world.ssh.port} stopped answering \\(closed it\\), and a new ssh connection did not answer either: `));
      expect(ms).toBeLessThan(10_500);
    } finally {
      signal(listener, 'SIGCONT');
      signal(session_, 'SIGCONT');
    }
  });

  it('passes over a /tmp/stevedore-ssh-UID that another local user made first, for a private folder in the settings folder', async () => {
    if (!world.otherUser) throw new Error('the test world made no second local user (test/world/users.ts)');
    const shared = join(base, 'tmp');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const uid = process.getuid?.() ?? 0;
    const taken = join(shared, `stevedore-ssh-${uid}`);
    expect(asUser(world.otherUser, 'mkdir', ['-m', '700', taken]).status).toBe(0);
    const configDir = join(world.root, `cfg-${randomBytes(3).toString('hex')}`);
    controlDirs.push(join(configDir, 'ssh'));
    const s = session(world, { STEVEDORE_SSH_CONFIG: world.ssh.clientConfig, TMPDIR: shared, STEVEDORE_CONFIG_DIR: configDir });
    sessions.push(s);
    delete s.env.XDG_RUNTIME_DIR;
    delete s.env.STEVEDORE_SSH_CONTROL_DIR;
    expect((await run(s, ['engine', 'add', 'nas', '--host', world.ssh.url])).code).toBe(0);
    const r = await run(s, ['image', 'list', '--engine', 'nas', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const sockets = readdirSync(join(configDir, 'ssh'));
    expect(sockets).toHaveLength(1);
    expect(statSync(join(configDir, 'ssh', sockets[0] ?? '')).isSocket()).toBe(true);
    expect(statSync(join(configDir, 'ssh')).mode & 0o777).toBe(0o700);
    expect(statSync(taken).uid).toBe(world.otherUser.uid);
    expect(readdirSync(taken)).toEqual([]); // nothing of ours went into their folder
  });
});
