import { describe, expect, it } from 'vitest';
import { AppError, InvalidInput } from '../../../src/domain/errors';
import { redactSecrets, sanitizeDeep, sanitizeLine, stripControl } from '../../../src/domain/sanitize';

describe('remote text cannot drive the terminal', () => {
  const attacks: [string, string][] = [
    ['title \u001b]0;pwned\u0007 here', 'title  here'],
    ['clear \u001b[2J\u001b[H screen', 'clear  screen'],
    ['colour \u001b[31mred\u001b[0m', 'colour red'],
    ['osc8 \u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\', 'osc8 link'],
    ['dcs \u001bP1$r0m\u001b\\ gone', 'dcs  gone'],
    ['8-bit csi \u009b31m x', '8-bit csi  x'],
    ['bell\u0007 backspace\b nul\u0000', 'bell backspace nul'],
    ['bidi \u202eevil\u202c', 'bidi evil'],
    ['cut off \u001b[', 'cut off '],
    ['lone esc \u001b', 'lone esc '],
  ];
  it.each(attacks)('%j', (input, expected) => {
    expect(stripControl(input)).toBe(expected);
  });

  it('keeps newlines and tabs in stripControl, folds them in sanitizeLine', () => {
    expect(stripControl('a\n\tb')).toBe('a\n\tb');
    expect(sanitizeLine('  a\n\tb   c ')).toBe('a b c');
    expect(sanitizeLine('日本語 ✓ émoji 🐳')).toBe('日本語 ✓ émoji 🐳');
  });

  it('cleans nested JSON values and keys', () => {
    expect(sanitizeDeep({ 'k\u001b[1m': ['v\u0007', 3, null, { x: '\u001b]0;t\u0007y' }] })).toEqual({ k: ['v', 3, null, { x: 'y' }] });
  });

  it('errors are one printable line with an optional hint', () => {
    const e = new InvalidInput('bad\nthing \u001b[31mred', { hint: 'try\nagain' });
    expect(e.message).toBe('bad thing red');
    expect(e.describe()).toBe('bad thing red (try again)');
    expect(e.toJSON()).toEqual({ code: 400, message: 'bad thing red (try again)' });
    expect(e).toBeInstanceOf(AppError);
  });
});

describe('echoed input never repeats a secret', () => {
  it('hides password-like option values and URL credentials', () => {
    expect(redactSecrets("unknown option '--password=hunter2'")).toBe("unknown option '--password=***'");
    expect(redactSecrets('--registry-token=abc --name=x')).toBe('--registry-token=*** --name=x');
    expect(redactSecrets('invalid registry URL "https://bob:Secret1@ho st:5000"')).toBe('invalid registry URL "https://***@ho st:5000"');
    expect(redactSecrets('https://registry.example.com/v2/')).toBe('https://registry.example.com/v2/');
  });
});

describe('sanitizeLine on printable text', () => {
  it('gives what the whole cleaning gives, for plain and not so plain text', () => {
    const whole = (t: string) => stripControl(t).replace(/[\n\t]+/g, ' ').replace(/ {2,}/g, ' ').trim();
    for (const t of ['', ' ', 'abc', ' a b ', 'a  b', 'a\tb', 'a\nb', 'x\u001b[31my', 'é à', 'a \u0007b', '~!@#$%^&*()_+{}|:"<>?`-=[]\\;\',./', 'x'.repeat(100_000)]) {
      expect(sanitizeLine(t), JSON.stringify(t.slice(0, 20))).toBe(whole(t));
    }
  });
});
