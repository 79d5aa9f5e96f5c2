// ssh:// engines, reached as the docker CLI reaches them (cli/connhelper): the system `ssh` runs
// `docker system dial-stdio` on the remote host, and HTTP goes over its stdin/stdout. So ~/.ssh/config,
// known_hosts and the user's agent apply, and no ssh library is needed.
//
// Unlike docker (one ssh connection per HTTP connection, docker-py #2966), every connection to one engine
// shares ONE ssh connection: OpenSSH's ControlMaster, with its control socket in a 0700 directory of ours and
// ControlPersist keeping it for the next command. STEVEDORE_SSH_CONFIG names an ssh_config to use instead of
// ~/.ssh/config (`ssh -F`). BatchMode: ssh never prompts (the app owns the terminal);
// an unknown host key or a refused login is a named failure instead.
//
// A shared connection can die without a word (Wi-Fi gone, a VPN dropped, the far sshd stopped): the master
// sends keep-alives (ServerAlive*) and gives up after ~15 s of silence on its own, and SharedSsh lets the
// engine transport check it sooner (a trivial command through it) and close it, so that a request can be
// tried again over a connection of its own.
import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { InvalidInput } from '../../domain/errors';
import { settingsDir } from '../../domain/settings';
import { CommandConnection } from './sshConnection';

export { CommandConnection } from './sshConnection';
export { SshFailure, classifySsh, sshFailure } from './sshFailure';

export interface SshTarget {
  host: string;
  user: string | null;
  port: number | null;
  remoteSocket: string | null;
  /** `docker` on the far side when it is not on the non-interactive PATH (QNAP). */
  dockerPath?: string | null;
}

export interface SshOptions {
  /** Directory for the shared connections' control sockets (created 0700 when missing). */
  controlDir?: string | undefined;
  /** Seconds the shared connection stays after the last use. */
  persistSeconds?: number;
  command?: string | undefined;
  /** ssh's ConnectTimeout (default 30, as docker). */
  connectTimeoutSeconds?: number;
}

const PERSIST_SECONDS = 600;
/** Keep-alives of the shared connection: a silent far side is given up after ~15 s (3 × 5 s). */
const ALIVE_INTERVAL_SECONDS = 5;
const ALIVE_COUNT = 3;

export interface SshArgsOptions {
  /** What runs on the far side instead of `docker system dial-stdio`. */
  remote?: string[];
  /** `no`: use the shared connection if there is one, never become it. */
  master?: 'auto' | 'no';
  connectTimeoutSeconds?: number;
}

/**
 * The ssh command line: docker's (connhelper/ssh: `ssh -o ConnectTimeout=30 -T [-l user] [-p port] -- host
 * docker system dial-stdio`) plus the shared connection (with keep-alives) and BatchMode.
 */
export function sshArgs(target: SshTarget, control?: { dir: string; persistSeconds?: number }, configFile?: string, options: SshArgsOptions = {}): string[] {
  const docker = target.dockerPath?.trim() || 'docker';
  return [
    ...(configFile ? ['-F', configFile] : []),
    '-o',
    `ConnectTimeout=${options.connectTimeoutSeconds ?? 30}`,
    '-o',
    'BatchMode=yes',
    ...(control
      ? [
          '-o',
          `ControlMaster=${options.master ?? 'auto'}`,
          '-o',
          `ControlPath=${join(control.dir, '%C')}`,
          '-o',
          `ControlPersist=${control.persistSeconds ?? PERSIST_SECONDS}`,
          '-o',
          `ServerAliveInterval=${ALIVE_INTERVAL_SECONDS}`,
          '-o',
          `ServerAliveCountMax=${ALIVE_COUNT}`,
        ]
      : []),
    '-T',
    ...(target.user ? ['-l', target.user] : []),
    ...(target.port ? ['-p', String(target.port)] : []),
    '--',
    target.host,
    ...(options.remote ?? [shellWord(docker), ...(target.remoteSocket ? ['--host', shellWord(`unix://${target.remoteSocket}`)] : []), 'system', 'dial-stdio']),
  ];
}

/**
 * The shared (ControlMaster) connection of one engine, as the transport checks and closes it when a request
 * through it goes unanswered: `alive` runs `true` on the far side through it; `close` asks the master to exit.
 */
export class SharedSsh {
  private readonly configFile: string | undefined;
  constructor(
    private readonly target: SshTarget,
    private readonly env: NodeJS.ProcessEnv,
    private readonly control: { dir: string; persistSeconds?: number },
    private readonly command = 'ssh',
  ) {
    this.configFile = env.STEVEDORE_SSH_CONFIG || undefined;
  }

  /**
   * False when there is a shared connection and a trivial command (`true`) through it gets no word from the far
   * side within `ms`; true otherwise. Any end counts as a word, a refusal too (sshd's MaxSessions reached is a
   * busy link, not a dead one); without a shared connection there is nothing to judge (the request's own
   * timeout applies).
   */
  async alive(ms: number): Promise<boolean> {
    const started = performance.now();
    if ((await this.run(this.controlArgs('check'), ms)) !== 0) return true;
    const left = Math.max(100, ms - (performance.now() - started));
    const args = sshArgs(this.target, this.control, this.configFile, { remote: ['true'], master: 'no', connectTimeoutSeconds: Math.max(1, Math.ceil(ms / 1000)) });
    return (await this.run(args, left)) !== null;
  }

  /** Asks the master to exit (`ssh -O exit`); a master that does not answer within `ms` is left to its keep-alives. */
  async close(ms = 1500): Promise<void> {
    await this.run(this.controlArgs('exit'), ms);
  }

  /** `ssh -O CMD` for this engine's shared connection (local: it talks to the master over its socket). */
  private controlArgs(command: 'check' | 'exit'): string[] {
    return [
      ...(this.configFile ? ['-F', this.configFile] : []),
      '-o',
      'BatchMode=yes',
      '-o',
      `ControlPath=${join(this.control.dir, '%C')}`,
      ...(this.target.user ? ['-l', this.target.user] : []),
      ...(this.target.port ? ['-p', String(this.target.port)] : []),
      '-O',
      command,
      '--',
      this.target.host,
    ];
  }

  /** Runs ssh with no input; resolves with its exit status, or null when it was killed at the deadline. */
  private run(args: string[], ms: number): Promise<number | null> {
    return new Promise((resolve) => {
      const child = spawn(this.command, args, { stdio: ['ignore', 'ignore', 'ignore'], env: this.env });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, ms);
      child.once('error', () => {
        clearTimeout(timer);
        resolve(null);
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }
}

/** The remote command is read by the far side's shell: quote what is not plainly safe. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Our directory for ssh control sockets: STEVEDORE_SSH_CONTROL_DIR when set; else $XDG_RUNTIME_DIR/stevedore-ssh,
 * else $TMPDIR/stevedore-ssh-UID (short: a unix socket path has 108 bytes, and %C adds 40), created 0700. A
 * directory that is not a private one of this user is never used: another local user may have made
 * /tmp/stevedore-ssh-UID first (to watch or hijack the shared connections). Then the sockets go to a private
 * folder in the settings folder instead (`ssh` in it), which nobody else can have made.
 */
export function sshControlDir(env: NodeJS.ProcessEnv): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  if (env.STEVEDORE_SSH_CONTROL_DIR) return privateDir(env.STEVEDORE_SSH_CONTROL_DIR, uid);
  const temp = env.TMPDIR?.startsWith('/') ? env.TMPDIR : tmpdir();
  const candidates = [...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'stevedore-ssh')] : []), join(temp, `stevedore-ssh-${uid}`)];
  for (const dir of candidates) {
    try {
      return privateDir(dir, uid);
    } catch {
      // someone else's, or not usable: try the next
    }
  }
  return privateDir(join(settingsDir(env), 'ssh'), uid);
}

/** `dir`, created 0700 when missing; refused unless it is a real directory of `uid` that only it may enter. */
function privateDir(dir: string, uid: number): string {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    // checked below
  }
  let st;
  try {
    st = lstatSync(dir);
  } catch (error) {
    throw new InvalidInput(`cannot make the ssh control directory ${dir}: ${(error as Error).message}`);
  }
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) {
    throw new InvalidInput(`the ssh control directory ${dir} is not a private directory of this user`, { hint: 'remove it, or make it yours with mode 0700' });
  }
  if (Buffer.byteLength(join(dir, 'x'.repeat(40))) > 104) {
    throw new InvalidInput(`the ssh control directory ${dir} is too long a path for ssh's control sockets`, { hint: 'set STEVEDORE_SSH_CONTROL_DIR to a short private directory' });
  }
  return dir;
}

/** The first connection to each engine, while it sets up the shared one (all agents of a process share it). */
const firstConnections = new Map<string, Promise<boolean>>();

/**
 * An http.Agent whose connections are `ssh … docker system dial-stdio` processes (kept alive and reused),
 * all multiplexed over one shared ssh connection. The first connection sets the shared one up; others
 * asked for meanwhile wait for it, so two requests at once do not race to be the master. Every
 * connection starts `docker` on the far side (tens to hundreds of ms on a small NAS), so requests that
 * answer once share ONE kept-alive connection (maxSockets 1); streams (pull, events) get an agent of
 * their own (`maxSockets` more) so they never hold the others up.
 * (The class is made on first use, not when this module loads: extending http.Agent then would load node:http
 * with the module, which the single file's startup snapshot cannot hold, see scripts/build-bin.mjs. `new
 * SshAgent(…)` and the SshAgent type work as for a class declared here.)
 */
function makeSshAgentClass() {
  return class SshAgent extends http.Agent {
    private readonly control: { dir: string; persistSeconds?: number } | undefined;
    private readonly command: string;
    private readonly key: string;
    private readonly connectTimeoutSeconds: number | undefined;

    constructor(
      private readonly target: SshTarget,
      private readonly env: NodeJS.ProcessEnv,
      options: SshOptions & { maxSockets?: number } = {},
    ) {
      super({ keepAlive: true, maxSockets: options.maxSockets ?? 1 });
      this.command = options.command ?? 'ssh';
      this.control = options.controlDir ? { dir: options.controlDir, ...(options.persistSeconds ? { persistSeconds: options.persistSeconds } : {}) } : undefined;
      this.key = JSON.stringify([target.host, target.user, target.port, this.control?.dir ?? null]);
      this.connectTimeoutSeconds = options.connectTimeoutSeconds;
    }

    /** After the shared connection was closed: the next connection sets up a new one before others share it. */
    forgetShared(): void {
      firstConnections.delete(this.key);
    }

    /** The shared connection this agent's connections go through (none without a control directory). */
    shared(): SharedSsh | null {
      return this.control ? new SharedSsh(this.target, this.env, this.control, this.command) : null;
    }

    override createConnection(_options: http.ClientRequestArgs, callback?: (error: Error | null, socket: Duplex) => void): Duplex | undefined {
      const open = (): CommandConnection => {
        const options = this.connectTimeoutSeconds ? { connectTimeoutSeconds: this.connectTimeoutSeconds } : {};
        const child = spawn(this.command, sshArgs(this.target, this.control, this.env.STEVEDORE_SSH_CONFIG || undefined, options), { stdio: ['pipe', 'pipe', 'pipe'], env: this.env });
        return new CommandConnection(child);
      };
      // Without a shared connection there is nothing to set up first.
      if (!this.control) return open();
      const first = firstConnections.get(this.key);
      if (!first || !callback) {
        const connection = open();
        if (!first) {
          firstConnections.set(
            this.key,
            connection.answered.then((ok) => {
              if (!ok) firstConnections.delete(this.key);
              return ok;
            }),
          );
        }
        return connection;
      }
      // Wait for the first connection (the master) to answer, then share it.
      void first.then(() => callback(null, open()));
      return undefined;
    }
  }
}
let sshAgentClass: ReturnType<typeof makeSshAgentClass> | undefined;
export type SshAgent = InstanceType<ReturnType<typeof makeSshAgentClass>>;
export const SshAgent = function SshAgent(target: SshTarget, env: NodeJS.ProcessEnv, options?: SshOptions & { maxSockets?: number }): SshAgent {
  return new (sshAgentClass ??= makeSshAgentClass())(target, env, options);
} as unknown as new (target: SshTarget, env: NodeJS.ProcessEnv, options?: SshOptions & { maxSockets?: number }) => SshAgent;
