// Semantic colours and glyphs. Components ask for `theme.status.error`, never for "red".
// NO_COLOR gives the plain theme; a terminal that is not UTF-8 (LANG=C…) gets ASCII bars and borders.

export interface Theme {
  color: boolean;
  ascii: boolean;
  text: { primary?: string; muted?: string; accent?: string; title?: string };
  status: { error?: string; warning?: string; success?: string; info?: string; running?: string };
  selection: { background?: string; foreground?: string; inverse: boolean };
  border: { color?: string; style: 'round' | 'classic' | 'single' };
  glyph: {
    barFull: string;
    barEmpty: string;
    barPartial: string[];
    pointer: string;
    installed: string;
    downloading: string;
    official: string;
    check: string;
    cross: string;
    ellipsis: string;
    bullet: string;
    arrowUp: string;
    arrowDown: string;
    /** What a thing becomes: the newer tag of an update (`3.19 → 3.20`). */
    arrowRight: string;
    /** An update is available (Local list). */
    update: string;
    /** A row marked on the Local list (space). */
    marked: string;
    /** A kept previous image: `b` rolls the tag back to it (Local list). */
    previous: string;
    star: string;
    separator: string;
  };
}

export interface ThemeEnvironment {
  NO_COLOR?: string;
  LANG?: string;
  LC_ALL?: string;
  LC_CTYPE?: string;
  TERM?: string;
}

/** UTF-8 if the locale says so (LC_ALL, then LC_CTYPE, then LANG, as C libraries read them). */
export function isUtf8(env: ThemeEnvironment): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  if (env.TERM === 'linux' && !locale) return false;
  return /utf-?8/i.test(locale);
}

export function createTheme(env: ThemeEnvironment): Theme {
  const color = env.NO_COLOR === undefined || env.NO_COLOR === '';
  const ascii = !isUtf8(env);
  const c = (name: string) => (color ? name : undefined);
  return {
    color,
    ascii,
    text: { primary: undefined, muted: c('gray'), accent: c('cyan'), title: c('cyanBright') },
    status: { error: c('red'), warning: c('yellow'), success: c('green'), info: c('blue'), running: c('cyan') },
    selection: { background: c('blue'), foreground: c('whiteBright'), inverse: !color },
    border: { color: c('gray'), style: ascii ? 'classic' : 'round' },
    glyph: ascii
      ? {
          barFull: '#',
          barEmpty: '-',
          barPartial: [],
          pointer: '>',
          installed: '*',
          downloading: 'v',
          official: 'o',
          check: 'ok',
          cross: 'x',
          ellipsis: '...',
          bullet: '-',
          arrowUp: '^',
          arrowDown: 'v',
          arrowRight: '->',
          update: '^',
          marked: '+',
          previous: '<',
          star: '*',
          separator: ' | ',
        }
      : {
          barFull: '█',
          barEmpty: '░',
          barPartial: ['▏', '▎', '▍', '▌', '▋', '▊', '▉'],
          pointer: '›',
          installed: '●',
          downloading: '↓',
          official: '✓',
          check: '✓',
          cross: '✗',
          ellipsis: '…',
          bullet: '•',
          arrowUp: '▲',
          arrowDown: '▼',
          arrowRight: '→',
          update: '↑',
          marked: '✚',
          previous: '↶',
          star: '★',
          separator: ' · ',
        },
  };
}
