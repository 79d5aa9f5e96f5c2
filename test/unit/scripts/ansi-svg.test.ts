import { describe, expect, it } from 'vitest';
import { color256, parseAnsi, renderSvg } from '../../../scripts/ansi-svg';

describe('ANSI capture to SVG', () => {
  it('reads SGR colours: 16, 256 and RGB, bold, inverse and reset', () => {
    const [row] = parseAnsi('\u001b[1;31mA\u001b[0m\u001b[38;5;33mB\u001b[48;2;1;2;3mC\u001b[7mD', 10, 1);
    expect(row?.map((c) => c.ch).join('')).toBe('ABCD');
    expect(row?.[0]?.style).toMatchObject({ bold: true, fg: '#cd3131' });
    expect(row?.[1]?.style).toMatchObject({ bold: false, fg: color256(33) });
    expect(row?.[2]?.style.bg).toBe('#010203');
    expect(row?.[3]?.style.inverse).toBe(true);
    expect(color256(16)).toBe('#000000');
    expect(color256(231)).toBe('#ffffff');
    expect(color256(244)).toBe('#808080');
  });

  it('counts wide characters as two cells and cuts lines at the width', () => {
    const [row] = parseAnsi('日本abc', 5, 1);
    expect(row?.map((c) => c.ch).join('')).toBe('日本a');
  });

  it('places each run at its column, draws backgrounds, and escapes markup', () => {
    const svg = renderSvg('\u001b[44m<a&b>\u001b[0m x', { columns: 10, rows: 2, fontSize: 10 });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
    expect(svg).toContain('fill="#2472c8"');
    expect(svg).toContain('&lt;a&amp;b&gt;');
    expect(svg).toContain('<tspan x="12.0">&lt;a&amp;b&gt; x</tspan>');
    const runs = renderSvg('\u001b[31mab\u001b[32mcd', { columns: 10, rows: 1, fontSize: 10 });
    expect(runs).toContain('<tspan x="12.0" fill="#cd3131">ab</tspan><tspan x="24.0" fill="#0dbc79">cd</tspan>');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });
});
