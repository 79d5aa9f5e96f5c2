// The part of a form field's value shown around the cursor: the cursor always in view, the ellipsis given
// (the theme's: "..." under LANG=C) on each side that is cut.
import { describe, expect, it } from 'vitest';
import { fieldWindow } from '../../../src/domain/text';

const line = (w: ReturnType<typeof fieldWindow>) => `${w.lead}${w.before}[${w.cursor}]${w.after}${w.tail}`;

describe('fieldWindow', () => {
  it('shows a value that fits whole, the cursor after it in a cell of its own', () => {
    expect(line(fieldWindow('abc', 3, 10))).toBe('abc[ ]');
    expect(line(fieldWindow('abc', 1, 10))).toBe('a[b]c');
  });

  it('cuts away from the cursor, with the ellipsis given, within the width', () => {
    const value = 'abcdefghijklmnopqrstuvwxyz';
    for (const [at, expected] of [
      [26, '...uvwxyz[ ]'],
      [0, '[a]bcdefg...'],
      [13, '...klm[n]...'],
    ] as const) {
      const w = fieldWindow(value, at, 10, '...');
      expect(line(w)).toBe(expected);
      expect(line(w).length - 2).toBeLessThanOrEqual(10);
    }
    expect(line(fieldWindow(value, 26, 10, '…'))).toBe('…stuvwxyz[ ]');
  });
});
