import { describe, expect, it } from 'vitest';
import { displayWidth, fit, layoutByPriority, layoutColumns, layoutToContent, renderColumns, truncate, truncateMiddle, truncateStart } from '../../../src/domain/text';
import { asciiText, wrapText } from '../../../src/domain/prose';

describe('text fitting by display width', () => {
  it('cuts and pads by cells, not code units', () => {
    expect(truncate('hello world', 8)).toBe('hello w…');
    expect(truncate('日本語のテキスト', 7)).toBe('日本語…');
    expect(displayWidth(truncate('日本語のテキスト', 7))).toBeLessThanOrEqual(7);
    expect(fit('ab', 5, 'right')).toBe('   ab');
    expect(fit('🐳 whale', 6)).toBe('🐳 wh…');
  });

  it('keeps both ends of a reference when cutting the middle', () => {
    const cut = truncateMiddle('127.0.0.1:42043/team/multiarch:1.0', 24);
    expect(displayWidth(cut)).toBe(24);
    expect(cut.startsWith('127.0.0.1')).toBe(true);
    expect(cut.endsWith('multiarch:1.0')).toBe(true);
    expect(truncateMiddle('short', 24)).toBe('short');
  });

  it('gives columns what their content needs, spare room to the free-text column, and shrinks growers first', () => {
    const specs = [{ width: 4, grow: 1 }, { width: 3 }, { width: 5, grow: 2 }];
    const headers = ['NAME', 'TAG', 'TEXT'];
    const rows = [['redis', '7', 'an in-memory store'], ['postgres', '16', 'database']];
    expect(layoutToContent(specs, headers, rows, 40)).toEqual([8, 3, 27]);
    const tight = layoutToContent(specs, headers, rows, 20);
    expect(tight.reduce((a, b) => a + b, 0) + 2).toBeLessThanOrEqual(20);
    expect(tight[1]).toBe(3);
    expect(layoutColumns([{ width: 10 }, { width: 10, grow: 1 }], 30)).toEqual([10, 19]);
  });

  it('keeps the end of a cut name', () => {
    expect(truncateStart('127.0.0.1:15000/team/web', 14)).toBe('…5000/team/web');
    expect(displayWidth(truncateStart('127.0.0.1:15000/team/web', 15))).toBe(15);
    expect(truncateStart('short', 10)).toBe('short');
    expect(renderColumns(['127.0.0.1:15000/team/web', 'x'], [14, 1], [{ width: 4, keep: 'end' }, { width: 1 }])).toBe('…5000/team/web x');
  });

  it('shares the width by priority: the name is served before the tags, optional columns go first', () => {
    const specs = [
      { width: 12, grow: 3, max: 64, priority: 1, keep: 'end' as const },
      { width: 6, grow: 2, max: 40, priority: 2 },
      { width: 12, optional: true, priority: 6 },
      { width: 8, align: 'right' as const },
    ];
    const headers = ['NAME', 'TAGS', 'IMAGE ID', 'SIZE'];
    const rows = [['127.0.0.1:15000/team/web', '5, 4, 3, 2, 1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3', '555555555555', '52 MB']];
    // Room for everything: the name whole, the tags whole.
    expect(layoutByPriority(specs, headers, rows, 120)).toEqual([24, 40 + (120 - 24 - 40 - 12 - 8 - 3), 12, 8]);
    // Short: the ID goes (less important than the cut tags), the name stays whole, the tags take the rest.
    const w = layoutByPriority(specs, headers, rows, 50);
    expect(w).toEqual([24, 50 - 24 - 8 - 2, 0, 8]);
    expect(renderColumns(rows[0]!, w, specs)).toMatch(/^127\.0\.0\.1:15000\/team\/web 5, 4, /);
    // Very short: the name is cut from the start, keeping its end.
    const tiny = layoutByPriority(specs, headers, rows, 30);
    expect(tiny.reduce((a, b) => a + b, 0) + tiny.filter(Boolean).length - 1).toBeLessThanOrEqual(30);
    expect(renderColumns(rows[0]!, tiny, specs)).toMatch(/^…\S*team\/web /);
  });
});

describe('wrapping', () => {
  it('breaks at spaces and keeps each line within the width', () => {
    const lines = wrapText('the certificate of 192.0.2.2:41921 is not trusted: its certificate is not signed by a trusted authority', 30);
    expect(lines).toEqual(['the certificate of', '192.0.2.2:41921 is not', 'trusted: its certificate is', 'not signed by a trusted', 'authority']);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(30);
  });

  it('keeps a line indent on its continuation lines, plus a hang', () => {
    expect(wrapText('x registry lab: cannot reach it, check the URL', 20, 2)).toEqual(['x registry lab:', '  cannot reach it,', '  check the URL']);
    expect(wrapText('first\n  hint: run stevedore doctor to see what is wrong', 22)).toEqual(['first', '  hint: run stevedore', '  doctor to see what', '  is wrong']);
  });

  it('cuts a word longer than the line, keeping the indent', () => {
    expect(wrapText('  sha256:4af1f0a8d1c57a9a8046d493b753ee9f', 20)).toEqual(['  sha256:4af1f0a8d1c', '  57a9a8046d493b753e', '  e9f']);
    expect(wrapText('日本語のテキストです', 7)).toEqual(['日本語', 'のテキ', 'ストで', 'す']);
  });

  it('keeps blank lines and short text as they are', () => {
    expect(wrapText('a\n\nb', 10)).toEqual(['a', '', 'b']);
    expect(wrapText('', 10)).toEqual(['']);
  });
});

describe('ASCII text', () => {
  it('keeps ASCII, writes typographic punctuation and accented letters in ASCII, and marks the rest', () => {
    expect(asciiText('plain text')).toBe('plain text');
    expect(asciiText('Redis is the world’s fastest — “really” …')).toBe(`Redis is the world's fastest - "really" ...`);
    expect(asciiText('café Ångström')).toBe('cafe Angstrom');
    expect(asciiText('日本')).toBe('??');
  });
});
