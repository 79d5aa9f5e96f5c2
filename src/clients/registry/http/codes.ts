// Error codes (and names) along an error's cause chain: how undici, socket and TLS failures are recognised.

/** Error codes (and names) along the cause chain, for matching. */
export function errorCodes(error: unknown): string[] {
  const out: string[] = [];
  for (let e: unknown = error, i = 0; e && i < 6; e = (e as { cause?: unknown }).cause, i++) {
    if (typeof e !== 'object') break;
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (typeof code === 'string') out.push(code);
    if (typeof name === 'string') out.push(name);
    if (Array.isArray((e as { errors?: unknown }).errors)) {
      for (const inner of (e as { errors: unknown[] }).errors) {
        const c = (inner as { code?: unknown } | null)?.code;
        if (typeof c === 'string') out.push(c);
      }
    }
  }
  return out;
}

export function findInChain<T extends Error>(error: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  for (let e: unknown = error, i = 0; e && i < 6; e = (e as { cause?: unknown }).cause, i++) if (e instanceof type) return e;
  return undefined;
}

