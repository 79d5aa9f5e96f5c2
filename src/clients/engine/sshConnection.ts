// One request's connection to an ssh engine: a `ssh … docker system dial-stdio` process whose stdin/stdout are
// the socket http.Agent writes to and reads from; its exit and stderr become an SshFailure (split from ssh.ts).
import type { ChildProcess } from 'node:child_process';
import { Duplex } from 'node:stream';
import { sanitizeLine } from '../../domain/sanitize';
import { SshFailure, classifySsh } from './sshFailure';

/** A child process's stdin/stdout as one socket-like duplex, for http.Agent#createConnection. */
export class CommandConnection extends Duplex {
  private stderrTail = '';
  private exited = false;
  private receivedData = false;
  /** Settles when the far side answered (first bytes) or the process ended. */
  readonly answered: Promise<boolean>;
  private answer!: (ok: boolean) => void;

  constructor(private readonly child: ChildProcess) {
    super();
    this.answered = new Promise((resolve) => (this.answer = resolve));
    const { stdout, stdin, stderr } = child;
    if (!stdout || !stdin) throw new Error('ssh was started without pipes');
    stdout.on('data', (chunk: Buffer) => {
      if (!this.receivedData) {
        this.receivedData = true;
        this.answer(true);
      }
      if (!this.push(chunk)) stdout.pause();
    });
    stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4000);
    });
    stdin.on('error', () => undefined); // reported through 'close' below
    child.on('error', (error) => {
      this.answer(false);
      this.destroy(Object.assign(error, { ssh: new SshFailure('other', null, sanitizeLine(error.message)) }));
    });
    // 'close' comes after stdout/stderr are drained, so ssh's own message is there to report.
    child.on('close', (code) => {
      this.exited = true;
      this.answer(this.receivedData);
      if (this.destroyed) return;
      if (code !== 0 && code !== null) {
        const failure = classifySsh(code, this.stderrTail);
        this.destroy(Object.assign(new Error(`ssh exited with status ${code}${failure.detail ? `: ${failure.detail}` : ''}`), { code: 'ESSH', ssh: failure }));
      } else if (!this.receivedData && this.stderrTail.trim()) {
        // The far side ended at once with only a complaint (docker there could not reach its daemon).
        const failure = classifySsh(code, this.stderrTail);
        this.destroy(Object.assign(new Error(failure.detail), { code: 'ESSH', ssh: failure }));
      } else {
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
