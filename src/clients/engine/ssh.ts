// ssh:// engines, reached as the docker CLI reaches them (cli/connhelper): the system `ssh` runs
// `docker system dial-stdio` on the remote host, and HTTP goes over its stdin/stdout. So ~/.ssh/config,
// known_hosts and the user's agent apply, and no ssh library is needed.
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { Duplex } from 'node:stream';

export interface SshTarget {
  host: string;
  user: string | null;
  port: number | null;
  remoteSocket: string | null;
}

/** The ssh command line docker uses (connhelper/ssh: `ssh -o ConnectTimeout=30 -T [-l user] [-p port] -- host docker system dial-stdio`). */
export function sshArgs(target: SshTarget): string[] {
  return [
    '-o',
    'ConnectTimeout=30',
    '-T',
    ...(target.user ? ['-l', target.user] : []),
    ...(target.port ? ['-p', String(target.port)] : []),
    '--',
    target.host,
    'docker',
    ...(target.remoteSocket ? ['--host', `unix://${target.remoteSocket}`] : []),
    'system',
    'dial-stdio',
  ];
}

/** A child process's stdin/stdout as one socket-like duplex, for http.Agent#createConnection. */
export class CommandConnection extends Duplex {
  private stderrTail = '';
  private exited = false;

  constructor(private readonly child: ChildProcess) {
    super();
    const { stdout, stdin, stderr } = child;
    if (!stdout || !stdin) throw new Error('ssh was started without pipes');
    stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) stdout.pause();
    });
    // The end of stdout is reported when ssh has exited (see 'close'), so a failure carries ssh's message.
    stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2000);
    });
    stdin.on('error', () => undefined); // reported through 'exit' below
    child.on('error', (error) => this.destroy(error));
    // 'close' comes after stdout/stderr are drained, so ssh's own message is there to report.
    child.on('close', (code) => {
      this.exited = true;
      if (code !== 0 && code !== null && !this.destroyed) {
        const why = this.stderrTail.trim().split('\n').pop() ?? '';
        this.destroy(Object.assign(new Error(`ssh exited with status ${code}${why ? `: ${why}` : ''}`), { code: 'ESSH' }));
      } else if (!this.destroyed) {
        this.push(null);
      }
    });
  }

  override _read(): void {
    this.child.stdout?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const stdin = this.child.stdin;
    if (!stdin || stdin.destroyed) return callback(new Error('ssh connection closed'));
    stdin.write(chunk, (error) => {
      if (!error) return callback(null);
      // ssh went away (EPIPE): its exit status and message say why; report that rather than the pipe.
      const timer = setTimeout(() => this.destroy(error), 2000);
      timer.unref();
      callback(null);
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.child.stdin?.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    if (!this.exited) this.child.kill('SIGTERM');
    callback(error);
  }

  // What http.ClientRequest and http.Agent call on a socket.
  setKeepAlive(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setTimeout(ms: number, onTimeout?: () => void): this {
    if (ms > 0 && onTimeout) {
      const timer = setTimeout(onTimeout, ms);
      timer.unref();
      this.once('close', () => clearTimeout(timer));
    }
    return this;
  }
  ref(): this {
    this.child.ref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as { ref?: () => void } | null)?.ref?.();
    return this;
  }
  unref(): this {
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as { unref?: () => void } | null)?.unref?.();
    return this;
  }
}

/** An http.Agent whose connections are `ssh … docker system dial-stdio` processes (kept alive and reused). */
export class SshAgent extends http.Agent {
  constructor(
    private readonly target: SshTarget,
    private readonly env: NodeJS.ProcessEnv,
    private readonly command = 'ssh',
  ) {
    super({ keepAlive: true, maxSockets: 4 });
  }

  override createConnection(): Duplex {
    const child = spawn(this.command, sshArgs(this.target), { stdio: ['pipe', 'pipe', 'pipe'], env: this.env });
    return new CommandConnection(child);
  }
}
