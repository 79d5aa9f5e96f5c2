// A real OpenSSH server for ssh:// engines (Debian's openssh-server, no systemd): on a loopback port, with a
// host key and a user key made for this run, key-only logins for root (the world runs as root; sshd needs a
// user from passwd and root can reach the second dockerd's socket). The session's DOCKER_HOST comes from the
// authorized_keys line (`environment=`, PermitUserEnvironment DOCKER_HOST), so `docker system dial-stdio` on
// the far side reaches that dockerd. The client side is a per-run ssh_config (known_hosts with only
// [127.0.0.1]:PORT, the run's key) that stevedore is pointed at with STEVEDORE_SSH_CONFIG; sshd logs VERBOSE,
// so tests count logins ("Accepted publickey") in its log.
import fs from 'node:fs';
import path from 'node:path';
import { waitUntil } from './async.js';
import { freePort, logTail, runOk, startProcess, type Started } from './proc.js';
import net from 'node:net';

export interface SshdLaunch {
  root: string;
  /** What the remote session's DOCKER_HOST is. */
  dockerHost: string;
}

export interface RunningSshd extends Started {
  port: number;
  user: string;
  /** ssh_config for the client side (StrictHostKeyChecking yes, the run's key and known_hosts). */
  clientConfig: string;
  /** Where stevedore (via STEVEDORE_SSH_CONTROL_DIR) keeps the shared connections in tests. */
  controlDir: string;
  log: string;
}

export async function startSshd(l: SshdLaunch, onStart: (p: Started) => void): Promise<RunningSshd> {
  const dir = path.join(l.root, 'ssh');
  fs.mkdirSync(dir, { mode: 0o700 });
  const controlDir = path.join(dir, 'ctl');
  fs.mkdirSync(controlDir, { mode: 0o700 });
  const hostKey = path.join(dir, 'host_ed25519');
  const userKey = path.join(dir, 'id_ed25519');
  await Promise.all([
    runOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'stevedore-world-host', '-f', hostKey]),
    runOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'stevedore-world-user', '-f', userKey]),
  ]);
  const port = await freePort();
  const pub = fs.readFileSync(`${userKey}.pub`, 'utf8').trim();
  fs.writeFileSync(path.join(dir, 'authorized_keys'), `environment="DOCKER_HOST=${l.dockerHost}" ${pub}\n`, { mode: 0o600 });
  const log = path.join(l.root, 'logs', 'sshd.log');
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // The world's root is under /dev/shm (mode 1777): the keys file cannot pass StrictModes' path check.
      'StrictModes no',
      'PermitUserEnvironment DOCKER_HOST',
      'AllowUsers root',
      'LogLevel VERBOSE',
      'MaxSessions 32',
      'MaxStartups 50',
      '',
    ].join('\n'),
  );
  // sshd wants its privilege separation directory (the package's service makes it at boot). Left in place:
  // another run's sshd may be using it.
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const clientConfig = path.join(dir, 'ssh_config');
  const knownHosts = path.join(dir, 'known_hosts');
  const hostPub = fs.readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  fs.writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostPub}\n`);
  fs.writeFileSync(
    clientConfig,
    [
      'Host *',
      `  IdentityFile ${userKey}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHosts}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const proc = startProcess('/usr/sbin/sshd', ['-D', '-e', '-f', config], log);
  onStart(proc);
  let exit: string | null = null;
  void proc.exited.then((code) => (exit = code));
  const listening = (): Promise<boolean> =>
    new Promise((resolve) => {
      if (exit !== null) return resolve(true);
      const s = net.connect(port, '127.0.0.1');
      s.once('data', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
      s.setTimeout(1_000, () => {
        s.destroy();
        resolve(false);
      });
    });
  await waitUntil(listening, 15_000, () => `sshd did not listen on 127.0.0.1:${port}; log tail:\n${logTail(log)}`);
  if (exit !== null) throw new Error(`sshd exited (${exit}); log tail:\n${logTail(log)}`);
  return { ...proc, port, user: 'root', clientConfig, controlDir, log };
}

/** How many ssh logins sshd accepted so far (one per ssh connection, not per multiplexed session). */
export function sshLogins(log: string): number {
  try {
    return fs.readFileSync(log, 'utf8').split('\n').filter((l) => /Accepted publickey for /.test(l)).length;
  } catch {
    return 0;
  }
}
