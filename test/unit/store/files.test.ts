// Small settings files read by valibot schemas: a malformed one reads as nothing (or skips what does not fit),
// never a crash.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DownloadNotesStore } from '../../../src/store/downloadNotes';
import { LOGIN_FILE, ServeLoginStore } from '../../../src/store/serveLogin';
import { tempDir } from '../helpers';

describe('serve-login.json', () => {
  it('reads a file of another shape as no login', async () => {
    for (const body of ['null', '[]', '{"user": 7}', '{"user": "a", "scrypt": {"N": "x", "r": 8, "p": 1, "salt": "s", "hash": "h"}}', '{"user": "a", "scrypt": null}', 'not json']) {
      const dir = tempDir();
      writeFileSync(join(dir, LOGIN_FILE), body, { mode: 0o600 });
      expect(new ServeLoginStore(dir).read()).toBeNull();
    }
    const dir = tempDir();
    const store = new ServeLoginStore(dir);
    await store.set('admin', 'long enough password');
    expect(store.read()?.user).toBe('admin');
  });
});

describe('serve-downloads.json', () => {
  it('keeps the notes that fit and skips the others', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'serve-downloads.json'), JSON.stringify({ a: { description: 'web', location: 5, icon: 'i' }, b: 'nope', c: null, d: [] }), { mode: 0o600 });
    expect([...new DownloadNotesStore(dir).all()]).toEqual([['a', { description: 'web', location: '', icon: 'i' }]]);
    for (const body of ['[]', 'null', '3', 'not json']) {
      const d = tempDir();
      writeFileSync(join(d, 'serve-downloads.json'), body, { mode: 0o600 });
      expect(new DownloadNotesStore(d).all().size).toBe(0);
    }
  });
});
