// Notifiers (`stevedore notify add`, DESIGN.md "Updates"): where `watch` sends its notices. A webhook (plain
// JSON, ntfy, Gotify), SMTP (STARTTLS + login on 587, TLS on 465) or the local sendmail. The URL-ish setting
// never carries a secret: a token or password comes from --password-stdin and is kept in the settings store
// (0600), never shown (`notify list` says `********`).
import { InvalidInput } from './errors';
import { redactSecrets, sanitizeLine } from './sanitize';

export const WEBHOOK_FORMATS = ['json', 'ntfy', 'gotify'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface WebhookNotifier {
  name: string;
  kind: 'webhook';
  url: string;
  format: WebhookFormat;
  /** Bearer token (json, ntfy) or Gotify app token; never shown. */
  secret: string | null;
}

export interface SmtpNotifier {
  name: string;
  kind: 'smtp';
  /** `smtp://[user@]host[:587]` (STARTTLS) or `smtps://[user@]host[:465]` (TLS from the start). */
  url: string;
  to: string[];
  from: string | null;
  /** The login's password; never shown. */
  secret: string | null;
}

export interface SendmailNotifier {
  name: string;
  kind: 'sendmail';
  to: string[];
  from: string | null;
}

export type Notifier = WebhookNotifier | SmtpNotifier | SendmailNotifier;
export type NotifierKind = Notifier['kind'];

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Query parameters that carry a secret in the services people use (Gotify `token`, ntfy `auth`…). */
const SECRET_PARAMS = /^(token|auth|key|apikey|api_key|access_token|password|pass|secret|sig|signature)$/i;
const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$|^[^\s@<>",;]+@localhost$/;

export function checkNotifierName(name: string): string {
  if (!NAME.test(name)) throw new InvalidInput(`invalid notifier name "${sanitizeLine(name)}": letters, digits, . _ - (at most 64, starting with a letter or digit)`);
  return name;
}

/** A webhook URL: http(s), no credentials and no secret in the query (they go through --password-stdin). */
export function checkWebhookUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new InvalidInput(`invalid webhook URL "${redactSecrets(sanitizeLine(text))}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidInput('a webhook URL starts with https:// (or http://)');
  if (url.username || url.password) {
    throw new InvalidInput('the webhook URL must not carry credentials', { hint: 'give the token or password with --password-stdin instead' });
  }
  for (const key of url.searchParams.keys()) {
    if (SECRET_PARAMS.test(key)) throw new InvalidInput(`the webhook URL carries a secret (${key}=…)`, { hint: 'leave it out of the URL and give it with --password-stdin' });
  }
  return url.toString();
}

export interface SmtpEndpoint {
  secure: boolean;
  host: string;
  port: number;
  user: string | null;
}

/** `smtp://user@host:587` or `smtps://user@host:465`; a password in the URL is refused. */
export function parseSmtpUrl(text: string): SmtpEndpoint {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new InvalidInput(`invalid SMTP URL "${redactSecrets(sanitizeLine(text))}": use smtp://USER@HOST:587 or smtps://USER@HOST:465`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new InvalidInput('an SMTP URL starts with smtp:// (STARTTLS, port 587) or smtps:// (TLS, port 465)');
  if (url.password) throw new InvalidInput('the SMTP URL must not carry a password', { hint: 'give it with --password-stdin' });
  if (!url.hostname) throw new InvalidInput('the SMTP URL needs a host, e.g. smtp://me@mail.example.com:587');
  if ((url.pathname && url.pathname !== '/') || url.search) throw new InvalidInput('the SMTP URL is only smtp://[USER@]HOST[:PORT]');
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  return { secure, host: url.hostname.replace(/^\[|\]$/g, ''), port, user: url.username ? decodeURIComponent(url.username) : null };
}

export function checkSmtpUrl(text: string): string {
  const e = parseSmtpUrl(text);
  const host = e.host.includes(':') ? `[${e.host}]` : e.host;
  return `${e.secure ? 'smtps' : 'smtp'}://${e.user ? `${encodeURIComponent(e.user)}@` : ''}${host}:${e.port}`;
}

/** `a@x.org,b@y.org` (or several --to) → the addresses, each checked. */
export function checkAddresses(values: readonly string[], what = '--to'): string[] {
  const list = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (list.length === 0) throw new InvalidInput(`${what} needs an e-mail address`);
  for (const a of list) if (!ADDRESS.test(a)) throw new InvalidInput(`invalid e-mail address "${sanitizeLine(a)}" (${what})`);
  return [...new Set(list)];
}

/** What `notify list` shows of a notifier: where it goes, never the secret. */
export function notifierTarget(n: Notifier): string {
  switch (n.kind) {
    case 'webhook':
      return n.url;
    case 'smtp':
      return `${n.url} → ${n.to.join(', ')}`;
    case 'sendmail':
      return `sendmail → ${n.to.join(', ')}`;
  }
}

/** `notify list --json`: one object per notifier, `secret` as `********` when set. */
export function notifierJson(n: Notifier): Record<string, unknown> {
  return {
    name: n.name,
    kind: n.kind,
    url: n.kind === 'sendmail' ? null : n.url,
    format: n.kind === 'webhook' ? n.format : null,
    to: n.kind === 'webhook' ? [] : n.to,
    from: n.kind === 'webhook' ? null : n.from,
    secret: n.kind !== 'sendmail' && n.secret ? '********' : null,
  };
}
