// The worker's requests are narrowed by a valibot schema: a malformed one gets a one-line answer naming what is
// wrong (and its id, when it has one), never a crash.
import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../../../src/services/downloads/protocol';

describe('parseRequest', () => {
  it('reads every request the clients send', () => {
    expect(parseRequest({ v: 1, id: 1, op: 'hello' })).toEqual({ ok: true, id: 1, request: { op: 'hello' } });
    expect(parseRequest({ v: 1, id: 2, op: 'start', ref: 'redis:7' })).toEqual({ ok: true, id: 2, request: { op: 'start', ref: 'redis:7', platform: null } });
    expect(parseRequest({ v: 1, id: 3, op: 'start', ref: 'redis:7', platform: 'linux/arm64' })).toEqual({ ok: true, id: 3, request: { op: 'start', ref: 'redis:7', platform: 'linux/arm64' } });
    expect(parseRequest({ v: 1, id: 4, op: 'cancel', target: 'abc' })).toEqual({ ok: true, id: 4, request: { op: 'cancel', target: 'abc' } });
    expect(parseRequest({ v: 1, id: 5, op: 'list', extra: 'ignored' })).toEqual({ ok: true, id: 5, request: { op: 'list' } });
    const handover = parseRequest({ v: 1, id: 6, op: 'handover', downloads: [{ nope: 1 }, 'x'] });
    expect(handover).toEqual({ ok: true, id: 6, request: { op: 'handover', downloads: [] } });
  });

  it('answers a malformed request with one line that says what is wrong', () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ v: 1, op: 'list' }, -1, /field "id" must be an integer/],
      [{ v: 1, id: 'seven', op: 'list' }, -1, /field "id"/],
      [{ v: 1, id: 7, op: 'explode' }, 7, /unknown op "explode"/],
      [{ v: 1, id: 8 }, 8, /unknown op/],
      [{ v: 1, id: 9, op: 'start' }, 9, /field "ref"/],
      [{ v: 1, id: 10, op: 'start', ref: 'a', platform: 5 }, 10, /field "platform"/],
      [{ v: 1, id: 11, op: 'cancel', target: ['x'] }, 11, /field "target"/],
      [{ v: 1, id: 12, op: 'handover', downloads: 'all' }, 12, /field "downloads"/],
      [{ v: 1, id: 13, op: '\u001b[31mred' }, 13, /unknown op/],
    ];
    for (const [message, id, words] of cases) {
      const parsed = parseRequest(message);
      expect(parsed.ok).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.id).toBe(id);
      expect(parsed.error).toMatch(words);
      expect(parsed.error).not.toMatch(/[\n\u001b]/);
    }
  });
});
