import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BadResponse } from '../../../../src/domain/errors';
import { encodeRegistryAuth } from '../../../../src/clients/engine/auth';
import { jsonLines } from '../../../../src/clients/engine/stream';

describe('encodeRegistryAuth (moby authconfig_test vectors)', () => {
  it('is padded base64url', () => {
    expect(encodeRegistryAuth({ username: 'testuser', password: 'testpassword', serveraddress: 'example.com' })).toBe(
      'eyJ1c2VybmFtZSI6InRlc3R1c2VyIiwicGFzc3dvcmQiOiJ0ZXN0cGFzc3dvcmQiLCJzZXJ2ZXJhZGRyZXNzIjoiZXhhbXBsZS5jb20ifQ==',
    );
    expect(encodeRegistryAuth({})).toBe('e30=');
  });

  it('uses the URL alphabet', () => {
    const encoded = encodeRegistryAuth({ username: '??>>', password: '~~~~', serveraddress: 'h' });
    expect(encoded).not.toMatch(/[+/]/);
    expect(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'))).toEqual({ username: '??>>', password: '~~~~', serveraddress: 'h' });
  });
});

describe('jsonLines', () => {
  it('splits \\r\\n lines across chunk boundaries', async () => {
    const s = new PassThrough();
    const out: unknown[] = [];
    const reading = (async () => {
      for await (const v of jsonLines(s)) out.push(v);
    })();
    s.write('{"status":"a1","id":"ID"}\r\n{"sta');
    s.write('tus":"Downloading","progressDetail":{"current":1}}\r\n\r\n');
    s.end('{"status":"last"}');
    await reading;
    expect(out).toEqual([{ status: 'a1', id: 'ID' }, { status: 'Downloading', progressDetail: { current: 1 } }, { status: 'last' }]);
  });

  it('fails with BadResponse on a line that is not JSON', async () => {
    const s = new PassThrough();
    s.end('<html>oops</html>\n');
    await expect(
      (async () => {
        for await (const _ of jsonLines(s)) void _;
      })(),
    ).rejects.toBeInstanceOf(BadResponse);
  });
});
