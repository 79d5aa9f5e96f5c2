// The notifiers (`stevedore notify list | add | rm | test`, DESIGN.md "Updates"): kept in notifiers.json (0600,
// with their secrets), checked when added, and the one place a notice is sent from (watch and `notify test`).
// The HTTP side (undici) and nodemailer load only when something is really sent.
import { hostname } from 'node:os';
import { Conflict, InvalidInput, NotFound } from '../../domain/errors';
import { sampleNotice, type UpdateNotice } from '../../domain/notice';
import {
  WEBHOOK_FORMATS,
  checkAddresses,
  checkNotifierName,
  checkSmtpUrl,
  checkWebhookUrl,
  parseSmtpUrl,
  type Notifier,
  type WebhookFormat,
} from '../../domain/notifiers';
import { sanitizeLine } from '../../domain/sanitize';
import type { Settings } from '../../domain/settings';
import type { Transport } from '../../clients/registry/transport';

export interface NotifierStoreLike {
  read(): Notifier[];
  update(change: (current: Notifier[]) => Notifier[]): Notifier[];
}

export interface NotifyDeps {
  env: NodeJS.ProcessEnv;
  store: () => NotifierStoreLike | Promise<NotifierStoreLike>;
  settings: () => Settings | Promise<Settings>;
  /** Called when a notifier is removed (what it was told is forgotten). */
  onRemoved?: (name: string) => void | Promise<void>;
  /** The host name notices name (default os.hostname()). */
  host?: string;
}

export interface AddNotifier {
  name: string;
  webhook?: string;
  format?: string;
  smtp?: string;
  sendmail?: boolean;
  to?: string[];
  from?: string;
  /** From --password-stdin: a webhook token or the SMTP password. */
  secret?: string | null;
}

export interface SendContext {
  /** The engine the notices are about (named in the JSON webhook). */
  engine: string;
  signal?: AbortSignal;
}

export interface NotifyServices {
  list(): Promise<Notifier[]>;
  add(input: AddNotifier): Promise<Notifier>;
  remove(name: string): Promise<Notifier>;
  /** Sends these notices through one notifier; rejects with a typed error when it does not take them. */
  send(notifier: Notifier, notices: readonly UpdateNotice[], ctx: SendContext): Promise<void>;
  /** Sends a sample notice through the notifier named. */
  test(name: string, ctx: SendContext): Promise<Notifier>;
  /** The host name notices carry. */
  host(): string;
  close(): Promise<void>;
}

export function createNotifyServices(deps: NotifyDeps): NotifyServices {
  const host = deps.host ?? (hostname() || 'localhost');
  let transport: Transport | undefined;
  const http = async (): Promise<Transport> => {
    if (!transport) {
      const [{ Transport }, settings] = await Promise.all([import('../../clients/registry/transport'), deps.settings()]);
      transport = new Transport({ env: deps.env, timeoutMs: settings['http.timeout'] * 1000, maxRetries: 0, userAgent: 'stevedore' });
    }
    return transport;
  };
  const find = async (name: string): Promise<Notifier> => {
    const n = (await deps.store()).read().find((x) => x.name === name);
    if (!n) throw new NotFound(`notifier not found: ${sanitizeLine(name)}`, { hint: 'see `stevedore notify list`' });
    return n;
  };

  const send = async (n: Notifier, notices: readonly UpdateNotice[], ctx: SendContext): Promise<void> => {
    if (notices.length === 0) return;
    const timeoutMs = (await deps.settings())['http.timeout'] * 1000;
    switch (n.kind) {
      case 'webhook': {
        const { sendWebhook } = await import('../../clients/notify/webhook');
        return sendWebhook(await http(), n, notices, { host, engine: ctx.engine, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      }
      case 'smtp': {
        const { sendSmtp } = await import('../../clients/notify/mail');
        return sendSmtp(n, notices, { host, env: deps.env, timeoutMs });
      }
      case 'sendmail': {
        const { sendSendmail } = await import('../../clients/notify/mail');
        return sendSendmail(n, notices, { host, env: deps.env, timeoutMs });
      }
    }
  };

  return {
    async list() {
      return (await deps.store()).read();
    },
    async add(input) {
      const n = buildNotifier(input);
      const store = await deps.store();
      let taken = false;
      store.update((current) => {
        if (current.some((x) => x.name === n.name)) {
          taken = true;
          return current;
        }
        return [...current, n];
      });
      if (taken) throw new Conflict(`a notifier named ${n.name} exists already`, { hint: `remove it first: stevedore notify rm ${n.name}` });
      return n;
    },
    async remove(name) {
      const n = await find(name);
      (await deps.store()).update((current) => current.filter((x) => x.name !== name));
      await deps.onRemoved?.(name);
      return n;
    },
    send,
    async test(name, ctx) {
      const n = await find(name);
      await send(n, [sampleNotice()], ctx);
      return n;
    },
    host: () => host,
    async close() {
      const t = transport;
      transport = undefined;
      if (t) await t.close();
    },
  };
}

/** Checks what `notify add` was given and makes the notifier (400 naming what is wrong). */
export function buildNotifier(input: AddNotifier): Notifier {
  const name = checkNotifierName(input.name);
  const kinds = [input.webhook !== undefined, input.smtp !== undefined, input.sendmail === true].filter(Boolean).length;
  if (kinds !== 1) throw new InvalidInput('give exactly one of --webhook URL, --smtp URL or --sendmail');
  const secret = input.secret === undefined || input.secret === null ? null : input.secret.replace(/\r?\n$/, '');
  if (secret !== null && (secret === '' || /[\r\n]/.test(secret))) throw new InvalidInput('the secret read from stdin must be one non-empty line');
  if (input.webhook !== undefined) {
    if (input.to !== undefined || input.from !== undefined) throw new InvalidInput('--to and --from are for --smtp and --sendmail');
    const format = input.format ?? 'json';
    if (!(WEBHOOK_FORMATS as readonly string[]).includes(format)) throw new InvalidInput(`--format must be one of ${WEBHOOK_FORMATS.join(', ')}`);
    return { name, kind: 'webhook', url: checkWebhookUrl(input.webhook), format: format as WebhookFormat, secret };
  }
  if (input.format !== undefined) throw new InvalidInput('--format is for --webhook');
  const to = checkAddresses(input.to ?? []);
  const from = input.from === undefined ? null : (checkAddresses([input.from], '--from')[0] ?? null);
  if (input.smtp !== undefined) {
    const url = checkSmtpUrl(input.smtp);
    const user = parseSmtpUrl(url).user;
    if (user && secret === null) throw new InvalidInput(`the SMTP login ${user} needs a password`, { hint: 'give it with --password-stdin' });
    if (!user && secret !== null) throw new InvalidInput('a password needs a user in the SMTP URL: smtp://USER@HOST:587');
    return { name, kind: 'smtp', url, to, from, secret };
  }
  if (secret !== null) throw new InvalidInput('--sendmail takes no password');
  return { name, kind: 'sendmail', to, from };
}
