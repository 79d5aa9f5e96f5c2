import { describe, expect, it } from 'vitest';
import { displayWidth, fit, layoutColumns, layoutToContent, truncate, truncateMiddle } from '../../../src/domain/text';

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
});
