// lxd-servers.json: the simplestreams image servers added with `stevedore lxd-server add` (the built-in
// `images` server, https://images.linuxcontainers.org, is not stored). Rules (unique names, https URLs)
// live in the LXC service; this file only keeps data.
import { JsonStore, PartlyValid } from './jsonStore';

export interface StoredLxdServer {
  name: string;
  url: string;
}

type ServerFile = { servers: StoredLxdServer[] } & Record<string, unknown>;

export class LxdServerStore {
  private readonly file: JsonStore<ServerFile>;

  constructor(dir: string, warn: (message: string) => void) {
    this.file = new JsonStore<ServerFile>({ dir, name: 'lxd-servers', defaults: () => ({ servers: [] }), validate, warn });
  }

  get path(): string {
    return this.file.path;
  }

  read(): StoredLxdServer[] {
    return this.file.read().servers;
  }

  update(change: (current: StoredLxdServer[]) => StoredLxdServer[]): StoredLxdServer[] {
    return this.file.update((current) => ({ servers: change(current.servers) })).servers;
  }
}

function validate(raw: unknown): ServerFile {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new TypeError('lxd-servers file must be an object');
  const list = (raw as Record<string, unknown>).servers ?? [];
  if (!Array.isArray(list)) throw new TypeError('servers must be a list');
  const problems: string[] = [];
  const servers: StoredLxdServer[] = [];
  list.forEach((entry: unknown, i) => {
    const r = entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>) : {};
    if (typeof r.name !== 'string' || typeof r.url !== 'string') {
      problems.push(`server entry ${i + 1} is not usable (it needs name and url)`);
      return;
    }
    servers.push({ name: r.name, url: r.url });
  });
  if (problems.length > 0) throw new PartlyValid({ servers }, problems);
  return { servers };
}
