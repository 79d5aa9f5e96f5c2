// The narrowing helpers every registry client reads network JSON through (valibot underneath).
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { bool, isRecord, num, parse, records, str, stringMap, strings } from '../../../../src/clients/registry/json';

describe('registry JSON narrowing', () => {
  it('keeps values of the asked type and drops the rest', () => {
    expect(isRecord({ a: 1 })).toBe(true);
    for (const x of [null, [], 'x', 1, undefined]) expect(isRecord(x)).toBe(false);
    expect(str('a')).toBe('a');
    expect(str(1)).toBeUndefined();
    expect(num(3)).toBe(3);
    for (const x of [Number.NaN, Number.POSITIVE_INFINITY, '3']) expect(num(x)).toBeUndefined();
    expect(bool(false)).toBe(false);
    expect(bool('false')).toBeUndefined();
    expect(strings(['a', 1, 'b', null])).toEqual(['a', 'b']);
    expect(strings('a')).toBeUndefined();
    expect(records([{ a: 1 }, [], null, 'x', { b: 2 }])).toEqual([{ a: 1 }, { b: 2 }]);
    expect(records({})).toEqual([]);
    expect(stringMap({ a: 'x', b: 1, c: null })).toEqual({ a: 'x' });
    expect(stringMap([])).toBeUndefined();
  });

  it('parses a whole answer with a schema, or gives undefined', () => {
    const Token = v.object({ token: v.string(), expires_in: v.optional(v.number()) });
    expect(parse(Token, { token: 't', expires_in: 60, extra: true })).toEqual({ token: 't', expires_in: 60 });
    expect(parse(Token, { token: 1 })).toBeUndefined();
    expect(parse(Token, '<html>')).toBeUndefined();
  });
});
