// The access log's view of a request target: credentials in URLs and references (`user:pass@host`), and the
// values of query keys that name secrets (`password`, `pw`, `token`, `key`, `api_key`…), are masked; terminal
// controls are removed.
import { redactReference, redactSecrets, sanitizeLine } from '../domain/sanitize';

/** Query keys whose values are secrets whatever they look like. */
const SECRET_KEY = /pass|pw|token|secret|auth|key|sig|cred|session|cookie/i;

/** One piece of a path or query as the log shows it: credentials in URLs and references masked. */
function maskText(text: string): string {
  let decoded = text;
  try {
    decoded = decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // shown as sent
  }
  const masked = redactSecrets(redactReference(decoded)).replace(/[^/@\s:?&=]+:[^/@\s]*@(?!sha(?:256|384|512):)/gi, '***@');
  return masked === decoded ? text : masked;
}

/** The request's path and query for the log: credentials and secret-named query values hidden, controls removed. */
export function logPath(raw: string): string {
  const cut = raw.length > 2000 ? `${raw.slice(0, 2000)}…` : raw;
  const q = cut.indexOf('?');
  const path = (q < 0 ? cut : cut.slice(0, q)).split('/').map(maskText).join('/');
  if (q < 0) return sanitizeLine(path);
  const shown = cut
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      if (eq < 0) return maskText(key);
      return `${maskText(key)}=${SECRET_KEY.test(key) ? '***' : maskText(pair.slice(eq + 1))}`;
    });
  return sanitizeLine(`${path}?${shown.join('&')}`);
}
