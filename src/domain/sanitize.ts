// Remote text (descriptions, names, labels, registry errors, catalog entries) must not be able to
// drive the user's terminal: escape sequences and control characters are removed before display.

const CSI = /\u001b\[[0-?]*[ -/]*[@-~]/g; // ESC [ … final byte
const OSC = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g; // ESC ] … BEL or ST (or cut off)
const DCS_PM_APC = /\u001b[P^_X][^\u001b]*(?:\u001b\\)?/g; // ESC P/^/_/X … ST
const ESC_OTHER = /\u001b[ -/]*[0-~]?/g; // any other escape, with its intermediates
const C1_CSI = /\u009b[0-?]*[ -/]*[@-~]/g; // 8-bit CSI
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Text safe to print: no escape sequences, no control characters except newline and tab. */
export function stripControl(text: string): string {
  return text
    .replace(OSC, '')
    .replace(DCS_PM_APC, '')
    .replace(CSI, '')
    .replace(C1_CSI, '')
    .replace(ESC_OTHER, '')
    .replace(CONTROLS, '');
}

/** Printable ASCII: with no two spaces in a row, sanitizeLine leaves it as it is but for the ends (most text). */
const PRINTABLE = /^[ -~]*$/;

/** Like stripControl, and folds newlines and tabs into single spaces: for table cells and one-line messages. */
export function sanitizeLine(text: string): string {
  if (PRINTABLE.test(text) && !text.includes('  ')) return text.trim();
  return stripControl(text).replace(/[\n\t]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

/** Sanitises every string inside a JSON-like value (keys too), leaving other values alone. */
export function sanitizeDeep<T>(value: T): T {
  if (typeof value === 'string') return stripControl(value) as T;
  if (Array.isArray(value)) return value.map((v) => sanitizeDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[stripControl(k)] = sanitizeDeep(v);
    return out as T;
  }
  return value;
}

/**
 * A reference typed with credentials in it (`user:pass@host/app`, as in a URL without its scheme, or a URL
 * with them: `http://user:pass@host/app`, `https://token@host/app`): the credentials become `***`.
 * (`redis:7@sha256:…`, a tag and a digest, is left alone.)
 */
export function redactReference(text: string): string {
  // Anchored and linear: references can be long and adversarial (redactSecrets is not linear on them).
  const url = /^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i.exec(text);
  if (url) return `${url[1] ?? ''}***@${text.slice(url[0].length)}`;
  return text.replace(/^[^/@\s:]+:[^/@\s]*@(?!sha(?:256|384|512):)/i, '***@');
}

/**
 * Hides what looks like a secret in text that echoes user input: `--password=…`-style options and
 * credentials in URLs (`https://user:pass@host` → `https://***@host`).
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(--?[\w-]*(?:pass|token|secret|auth)[\w-]*)=([^\s'"]+)/gi, '$1=***')
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*:[^/@\s]*@/gi, '$1***@');
}
