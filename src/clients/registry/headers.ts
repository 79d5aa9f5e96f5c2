// Parsers for the registry's structured headers: WWW-Authenticate challenges (distribution's
// authchallenge.go rules), Link (RFC 8288, as registries page _catalog and tags/list), and the
// Docker Hub rate-limit headers (`100;w=21600`, X-RateLimit-*).

export interface Challenge {
  /** Lower-cased scheme: `basic`, `bearer`, … */
  scheme: string;
  /** Lower-cased keys. */
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Parses one WWW-Authenticate header value into its challenges. Several challenges may share one header
 * (`Basic realm="x", Bearer realm="y"`); a parameter that cannot be parsed ends the parse of its challenge.
 */
export function parseChallenges(value: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const n = value.length;
  const skipSpace = () => {
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < n && TOKEN_CHAR.test(value.charAt(i))) i++;
    return value.slice(start, i);
  };
  while (i < n) {
    skipSpace();
    while (i < n && value[i] === ',') {
      i++;
      skipSpace();
    }
    const scheme = token();
    if (!scheme) break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    skipSpace();
    // Parameters: key=value or key="quoted", separated by commas, until the next scheme token.
    for (;;) {
      skipSpace();
      const save = i;
      const key = token();
      skipSpace();
      if (!key || value[i] !== '=') {
        // Not a parameter: either the next challenge's scheme or garbage. Rewind to the token.
        i = save;
        break;
      }
      i++; // '='
      skipSpace();
      let val = '';
      if (value[i] === '"') {
        i++;
        let closed = false;
        while (i < n) {
          const c = value.charAt(i);
          if (c === '\\' && i + 1 < n) {
            val += value.charAt(i + 1);
            i += 2;
            continue;
          }
          if (c === '"') {
            closed = true;
            i++;
            break;
          }
          val += c;
          i++;
        }
        if (!closed) return out; // malformed: stop here
      } else {
        val = token();
      }
      challenge.params[key.toLowerCase()] = val;
      skipSpace();
      if (value[i] === ',') {
        i++;
        continue;
      }
      if (i >= n) break;
      // Something else follows without a comma: a new challenge (or garbage).
      break;
    }
    if (i < n && !TOKEN_CHAR.test(value.charAt(i)) && value[i] !== ',' && value[i] !== ' ') break;
  }
  return out;
}

export interface LinkEntry {
  url: string;
  rel: string[];
}

/** Parses a Link header: `<url>; rel="next", <url2>; rel=prev`. */
export function parseLinkHeader(value: string): LinkEntry[] {
  const out: LinkEntry[] = [];
  const re = /<([^>]*)>((?:\s*;\s*[^;,]+?\s*=\s*(?:"[^"]*"|[^;,]*))*)/g;
  for (const m of value.matchAll(re)) {
    const params = m[2] ?? '';
    const rel: string[] = [];
    for (const p of params.matchAll(/;\s*([^;=\s]+)\s*=\s*(?:"([^"]*)"|([^;,\s]*))/g)) {
      if ((p[1] ?? '').toLowerCase() === 'rel') for (const r of (p[2] ?? p[3] ?? '').toLowerCase().split(/\s+/)) if (r) rel.push(r);
    }
    out.push({ url: m[1] ?? '', rel });
  }
  return out;
}

/** The `rel="next"` target of Link headers, resolved against the request URL. */
export function nextLink(linkHeaders: string[], requestUrl: string): URL | undefined {
  for (const h of linkHeaders) {
    const next = parseLinkHeader(h).find((l) => l.rel.includes('next'));
    if (next) {
      try {
        return new URL(next.url, requestUrl);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export interface RateLimit {
  limit: number;
  remaining: number;
  /** ISO time the window resets, when the server said. */
  resetAt: string | null;
}

/** `100;w=21600` → 100. */
function leadingNumber(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const n = Number(value.split(';')[0]?.trim());
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Below this, a difference between the server's `Date` and this machine's clock is resolution and latency. */
const CLOCK_SKEW_NOISE_MS = 60_000;

/**
 * How far the server's clock is ahead of this machine's (ms; negative when behind), from the answer's `Date`
 * header; 0 without one, or when the two agree to within a minute (`Date` has whole seconds, and the answer
 * took time to come). Times a server names (a reset, a retry date) are on its clock: subtract this to get ours.
 */
export function serverOffsetMs(get: (name: string) => string | undefined, now = Date.now()): number {
  const date = Date.parse(get('date')?.trim() ?? '');
  if (Number.isNaN(date) || Math.abs(date - now) < CLOCK_SKEW_NOISE_MS) return 0;
  return date - now;
}

/**
 * Docker Hub's rate-limit headers: the registry's `ratelimit-limit`/`ratelimit-remaining` (`N;w=SECONDS`,
 * optional `ratelimit-reset`) or the web API's `x-ratelimit-limit`/`-remaining`/`-reset` (unix time).
 */
export function parseRateLimit(get: (name: string) => string | undefined, now = Date.now()): RateLimit | null {
  const limit = leadingNumber(get('x-ratelimit-limit')) ?? leadingNumber(get('ratelimit-limit'));
  const remaining = leadingNumber(get('x-ratelimit-remaining')) ?? leadingNumber(get('ratelimit-remaining'));
  if (limit === undefined || remaining === undefined) return null;
  const reset = leadingNumber(get('x-ratelimit-reset')) ?? leadingNumber(get('ratelimit-reset'));
  let resetAt: string | null = null;
  if (reset !== undefined) {
    // A unix time (X-RateLimit-Reset) on the server's clock, moved onto this machine's (serverOffsetMs) so the
    // time shown is right even when the two clocks differ. Or seconds from now (RateLimit-Reset).
    const ms = reset > 1_000_000_000 ? reset * 1000 - serverOffsetMs(get, now) : now + reset * 1000;
    resetAt = new Date(ms).toISOString();
  }
  return { limit, remaining, resetAt };
}
