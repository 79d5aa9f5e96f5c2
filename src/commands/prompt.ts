// Secrets come from standard input (`--password-stdin`) or from a prompt that does not echo,
// never from argv (DESIGN.md "Registries and repositories").
import { InvalidInput } from '../domain/errors';
import type { Io } from './output';

const MAX_SECRET = 64 * 1024;

/** Everything on stdin, without the final newline (as `docker login --password-stdin`). */
export function readStdinSecret(io: Io): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    io.stdin.setEncoding?.('utf8');
    io.stdin.on('data', (chunk) => {
      data += chunk.toString();
      if (data.length > MAX_SECRET) reject(new InvalidInput('password on stdin is too long'));
    });
    io.stdin.on('end', () => {
      const secret = data.replace(/\r?\n$/, '');
      if (secret.length === 0) reject(new InvalidInput('--password-stdin: nothing was read from standard input'));
      else resolve(secret);
    });
    io.stdin.on('error', reject);
    io.stdin.resume?.();
  });
}

/** Asks on the terminal with echo off. */
export function promptSecret(io: Io, question: string): Promise<string> {
  const { stdin, stderr } = io;
  if (!stdin.isTTY || !stdin.setRawMode) {
    return Promise.reject(new InvalidInput('a password is needed and standard input is not a terminal: use --password-stdin'));
  }
  const setRaw = stdin.setRawMode.bind(stdin);
  return new Promise((resolve, reject) => {
    let secret = '';
    stderr.write(question);
    setRaw(true);
    stdin.setEncoding?.('utf8');
    const done = (error?: Error) => {
      setRaw(false);
      stdin.removeAllListeners?.('data');
      stdin.pause?.();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(secret);
    };
    stdin.on('data', (chunk) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
        if (ch === '\u007f' || ch === '\b') secret = secret.slice(0, -1);
        else if (ch >= ' ') secret += ch;
      }
    });
    stdin.resume?.();
  });
}

/** The password for a command that takes --username/--password-stdin. */
export async function passwordFor(io: Io, opts: { passwordStdin?: boolean; username?: string }, what: string): Promise<string | undefined> {
  if (opts.passwordStdin) return readStdinSecret(io);
  if (opts.username === undefined || opts.username === '') return undefined;
  return promptSecret(io, `Password for ${opts.username} at ${what}: `);
}
