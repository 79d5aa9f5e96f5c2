// The fast paths scripts/bundle-patches.mjs sets into string-width (both copies) and Ink's ansi-tokenize answer
// what the libraries answer themselves, for every kind of text they take (and string-width 7 now agrees with 8
// and with terminals on symbols that are emoji only when asked to be: `✔`, `↔`, `™` are one cell).
import * as esbuild from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script, without types
import { bundlePatches } from '../../../scripts/bundle-patches.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const nm = (p: string): string => path.join(root, 'node_modules', p);

/** The module at `file` bundled with or without the patches, loaded (ESM, from a data: URL). */
async function load(file: string, patched: boolean): Promise<Record<string, unknown>> {
  const result = await esbuild.build({ entryPoints: [file], bundle: true, format: 'esm', platform: 'node', write: false, plugins: patched ? [bundlePatches] : [], logLevel: 'silent' });
  const text = result.outputFiles[0]?.text ?? '';
  return (await import(`data:text/javascript;base64,${Buffer.from(text).toString('base64')}`)) as Record<string, unknown>;
}

const TEXTS = [
  '',
  'plain ascii 123',
  '—',
  '…',
  '· 8.19 kB',
  '│ ▲ ▼ ✓ ✗ ↶ ↑ ↓ → › ● • ★ ✚',
  '█░▏▎▍▌▋▊▉',
  '⠋⠙⠹ loading',
  'Größe café naïve',
  'Ελληνικά кириллица',
  '\u001b[1m\u001b[36mstevedore\u001b[39m\u001b[22m\u001b[90m · images 21 B\u001b[39m',
  '\u001b[90mengine: connecting…\u001b[39m',
  '中文タグ',
  'a中b',
  '👍 ok',
  '👨‍👩‍👧',
  '🇩🇪',
  'e\u0301',
  'x\u200by',
  'soft\u00adhyphen',
  'tab\there',
  'line\r\nnext',
  '⌚ ⭐',
  'ℹ️ info',
  '한국어',
];

describe('string-width with the bundle patches', () => {
  for (const copy of ['string-width/index.js', 'ink/node_modules/string-width/index.js']) {
    it(`${copy}: the same widths as without them`, async () => {
      const [patched, plain] = await Promise.all([load(nm(copy), true), load(nm(copy), false)]);
      const width = (m: Record<string, unknown>) => m.default as (s: string, o?: { ambiguousIsNarrow?: boolean }) => number;
      for (const text of TEXTS) {
        // string-width 7 counts a symbol that is an emoji only with U+FE0F as two cells; 8 and terminals, one.
        if (copy.startsWith('string-width') && /[↔✔™‼]/u.test(text)) continue;
        expect(width(patched)(text), JSON.stringify(text)).toBe(width(plain)(text));
        expect(width(patched)(text, { ambiguousIsNarrow: false }), `${JSON.stringify(text)}, ambiguous as wide`).toBe(width(plain)(text, { ambiguousIsNarrow: false }));
      }
    });
  }

  it('string-width 7 measures symbols that are emoji only when asked to be as one cell, as 8 does', async () => {
    const [seven, eight] = await Promise.all([load(nm('string-width/index.js'), true), load(nm('ink/node_modules/string-width/index.js'), false)]);
    for (const text of ['↔', '✔', '™', '‼', '©']) {
      expect((seven.default as (s: string) => number)(text), text).toBe(1);
      expect((eight.default as (s: string) => number)(text), text).toBe(1);
    }
  });
});

describe("Ink's ansi-tokenize with the bundle patches", () => {
  it('tokenizes every text as without them', async () => {
    const file = nm('@alcalzone/ansi-tokenize/build/index.js');
    const [patched, plain] = await Promise.all([load(file, true), load(file, false)]);
    const tokenize = (m: Record<string, unknown>) => m.tokenize as (s: string, end?: number) => unknown;
    for (const text of TEXTS) {
      expect(tokenize(patched)(text), JSON.stringify(text)).toEqual(tokenize(plain)(text));
      expect(tokenize(patched)(text, 5), `${JSON.stringify(text)}, up to 5 cells`).toEqual(tokenize(plain)(text, 5));
    }
  });
});

describe('slice-ansi with the bundle patches', () => {
  it('cuts every text as without them', async () => {
    const file = nm('slice-ansi/index.js');
    const [patched, plain] = await Promise.all([load(file, true), load(file, false)]);
    const slice = (m: Record<string, unknown>) => m.default as (s: string, from: number, to?: number) => string;
    for (const text of TEXTS) {
      for (const [from, to] of [[0, undefined], [0, 3], [1, 4], [2, 100], [5, 6]] as const) {
        expect(slice(patched)(text, from, to), `${JSON.stringify(text)} ${from}..${to}`).toBe(slice(plain)(text, from, to));
      }
    }
  });
});
