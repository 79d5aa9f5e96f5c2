// The login of `stevedore serve`: one user name and a scrypt hash of its password, in
// `serve-login.json` in the settings directory (mode 0600, written atomically). The password itself is
// never stored, printed or logged.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { InvalidInput } from '../domain/errors';
import { checkSettingsFile, ensureSettingsDir, writeFileAtomic } from './safeFile';

export const LOGIN_FILE = 'serve-login.json';
/** The longest password `serve passwd` saves and a login sends: one limit for both (characters). */
export const MAX_PASSWORD_LENGTH = 1024;
export const MIN_PASSWORD_LENGTH = 8;
/** scrypt cost: N=2^15, r=8, p=1 (OWASP's floor), 32 MiB of memory, ~50–100 ms per check. */
const PARAMS = { N: 32_768, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

export interface LoginRecord {
  user: string;
  scrypt: { N: number; r: number; p: number; salt: string; hash: string };
}

const cost = v.pipe(v.number(), v.integer(), v.minValue(1));
/** The file as `set` writes it; anything else reads as no login (then `serve` refuses to start and says why). */
const LoginFile = v.object({ user: v.string(), scrypt: v.object({ N: cost, r: cost, p: cost, salt: v.string(), hash: v.string() }) });

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...params, maxmem: MAX_MEMORY }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export class ServeLoginStore {
  readonly path: string;
  constructor(private readonly dir: string) {
    this.path = join(dir, LOGIN_FILE);
  }

  /** The saved login, or null when `serve passwd` was never run (or the file is unusable); refuses a file behind a link. */
  read(): LoginRecord | null {
    checkSettingsFile(this.path);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch {
      return null;
    }
    const parsed = v.safeParse(LoginFile, raw);
    return parsed.success ? parsed.output : null;
  }

  /** Saves `user` with a new salt and the scrypt hash of `password`. */
  async set(user: string, password: string): Promise<void> {
    const name = user.trim();
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name)) throw new InvalidInput('--user must be 1–64 letters, digits, ".", "_", "@" or "-"');
    if (password.length < MIN_PASSWORD_LENGTH) throw new InvalidInput(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
    if (password.length > MAX_PASSWORD_LENGTH) throw new InvalidInput(`the password must have at most ${MAX_PASSWORD_LENGTH} characters (a login sends no more)`);
    const salt = randomBytes(16);
    const hash = await derive(password, salt, PARAMS);
    const record: LoginRecord = { user: name, scrypt: { ...PARAMS, salt: salt.toString('base64'), hash: hash.toString('base64') } };
    ensureSettingsDir(this.dir);
    writeFileAtomic(this.path, `${JSON.stringify(record, null, 2)}\n`);
  }
}

/** True when `user` and `password` match the record (constant time over the hash). */
export async function verifyLogin(record: LoginRecord, user: string, password: string): Promise<boolean> {
  const expected = Buffer.from(record.scrypt.hash, 'base64');
  const { N, r, p } = record.scrypt;
  // The hash is computed even for a wrong user name, so both take the same time.
  const actual = await derive(password, Buffer.from(record.scrypt.salt, 'base64'), { N, r, p }).catch(() => Buffer.alloc(0));
  const hashOk = actual.length === expected.length && timingSafeEqual(actual, expected);
  return hashOk && user === record.user;
}
