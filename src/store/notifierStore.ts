// notifiers.json: where `stevedore watch` sends its notices (`notify add`). The file holds the notifiers'
// secrets (webhook tokens, SMTP passwords), so it is mode 0600 in the 0700 settings directory like every
// file there (jsonStore.ts); nothing else in stevedore prints them.
import { WEBHOOK_FORMATS, type Notifier, type WebhookFormat } from '../domain/notifiers';
import { JsonStore, PartlyValid } from './jsonStore';

type NotifierFile = { notifiers: Notifier[] } & Record<string, unknown>;

export class NotifierStore {
  private readonly file: JsonStore<NotifierFile>;

  constructor(dir: string, warn: (message: string) => void) {
    this.file = new JsonStore<NotifierFile>({ dir, name: 'notifiers', defaults: () => ({ notifiers: [] }), validate, warn });
  }

  get path(): string {
    return this.file.path;
  }

  read(): Notifier[] {
    return this.file.read().notifiers;
  }

  update(change: (current: Notifier[]) => Notifier[]): Notifier[] {
    return this.file.update((current) => ({ notifiers: change(current.notifiers) })).notifiers;
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every(isString) ? v : undefined);
const stringOrNull = (v: unknown): string | null | undefined => (v === null || v === undefined ? null : isString(v) ? v : undefined);

function entry(v: unknown): Notifier | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const r = v as Record<string, unknown>;
  if (!isString(r.name)) return undefined;
  const secret = stringOrNull(r.secret);
  const from = stringOrNull(r.from);
  switch (r.kind) {
    case 'webhook':
      if (!isString(r.url) || !WEBHOOK_FORMATS.includes(r.format as WebhookFormat) || secret === undefined) return undefined;
      return { name: r.name, kind: 'webhook', url: r.url, format: r.format as WebhookFormat, secret };
    case 'smtp': {
      const to = strings(r.to);
      if (!isString(r.url) || !to || secret === undefined || from === undefined) return undefined;
      return { name: r.name, kind: 'smtp', url: r.url, to, from, secret };
    }
    case 'sendmail': {
      const to = strings(r.to);
      if (!to || from === undefined) return undefined;
      return { name: r.name, kind: 'sendmail', to, from };
    }
    default:
      return undefined;
  }
}

function validate(raw: unknown): NotifierFile {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new TypeError('notifiers file must be an object');
  const list = (raw as Record<string, unknown>).notifiers ?? [];
  if (!Array.isArray(list)) throw new TypeError('notifiers must be a list');
  const notifiers: Notifier[] = [];
  const problems: string[] = [];
  list.forEach((value: unknown, i) => {
    const n = entry(value);
    if (n) notifiers.push(n);
    else problems.push(`notifier ${i + 1} is not usable`);
  });
  if (problems.length > 0) throw new PartlyValid({ notifiers }, problems);
  return { notifiers };
}
