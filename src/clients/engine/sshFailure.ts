// What went wrong on an ssh connection to an engine, told from ssh's exit status and its last words on stderr
// (split from ssh.ts: the shared connection and the per-request processes both use it).
import { type AppError, Unauthorized, Unreachable, UntrustedCertificate } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';

/** What went wrong on an ssh connection, told from ssh's exit status and its last words. */
export class SshFailure {
  constructor(
    readonly kind: 'host-key' | 'auth' | 'docker-missing' | 'daemon' | 'unreachable' | 'other',
    readonly status: number | null,
    readonly detail: string,
  ) {}

  toError(engine: string, cause: Error): AppError {
    const said = this.detail ? `: ${this.detail}` : '';
    switch (this.kind) {
      case 'host-key':
        return new UntrustedCertificate(`the host key of ${engine} is not known or has changed${said}`, {
          hint: 'check it and accept it once with `ssh HOST` (stevedore never answers that question for you)',
          cause,
        });
      case 'auth':
        return new Unauthorized(`ssh refused the login to ${engine}${said}`, { hint: 'check the user and that your key is in its authorized_keys (or loaded in ssh-agent)', cause });
      case 'docker-missing':
        return new Unreachable(`docker was not found on ${engine} (exit 127)${said}`, {
          hint: 'give its full path with `stevedore engine add NAME --host … --docker-path PATH` (QNAP: /share/CACHEDEV1_DATA/.qpkg/container-station/bin/docker)',
          cause,
        });
      case 'daemon':
        return new Unreachable(`the docker daemon is not running on ${engine}${said}`, { hint: 'start it there (or check that the ssh user may use its socket)', cause });
      default:
        // ssh's own words are the useful part (name not resolved, connection refused…).
        return new Unreachable(`cannot reach the engine at ${engine}`, { hint: this.detail || 'ssh to the host by hand to see what fails', cause });
    }
  }
}

/** Classifies ssh's exit status and stderr. */
export function classifySsh(status: number | null, stderr: string): SshFailure {
  const lines = stderr
    .split('\n')
    .map((l) => sanitizeLine(l).trim())
    .filter((l) => l && !/^Warning: Permanently added/i.test(l));
  const text = lines.join('\n');
  const last = lines.at(-1) ?? '';
  const pick = (re: RegExp): string => lines.find((l) => re.test(l)) ?? last;
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .* host key is known/i.test(text)) return new SshFailure('host-key', status, pick(/host key/i));
  if (/Permission denied \(|Too many authentication failures|no more authentication methods/i.test(text)) return new SshFailure('auth', status, pick(/Permission denied|authentication/i));
  if (status === 127 || /(docker|\S+): (command )?not found|No such file or directory.*docker/i.test(text)) return new SshFailure('docker-missing', status, pick(/not found|No such file/i));
  if (/Cannot connect to the Docker daemon|Is the docker daemon running|dial unix .*(no such file|connection refused)/i.test(text)) return new SshFailure('daemon', status, pick(/daemon|dial unix/i));
  if (/Could not resolve hostname|Connection refused|Connection timed out|No route to host|Network is unreachable|Connection closed by|kex_exchange/i.test(text)) return new SshFailure('unreachable', status, last);
  return new SshFailure('other', status, last || (status !== null ? `ssh exited with status ${status}` : ''));
}

/** The SshFailure an error carries, when it came from ssh. */
export function sshFailure(error: Error): SshFailure | null {
  const failure = (error as { ssh?: unknown }).ssh;
  return failure instanceof SshFailure ? failure : null;
}
