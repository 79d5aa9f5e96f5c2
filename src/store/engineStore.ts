// engines.json: the engines saved with `engine add` and the one chosen with `engine use`.
// Mode 0600 like every settings file (jsonStore). An entry that cannot be used is dropped with a warning.
import type { SavedEngine } from '../domain/engines';
import { engineNameProblem } from '../domain/engines';
import { JsonStore, PartlyValid } from './jsonStore';

export interface EnginesFile extends Record<string, unknown> {
  engines: SavedEngine[];
  /** The engine chosen with `engine use` (a saved engine, a docker context or `default`), or null. */
  current: string | null;
}

export class EngineStore {
  private readonly file: JsonStore<EnginesFile>;

  constructor(dir: string, warn: (message: string) => void) {
    this.file = new JsonStore<EnginesFile>({ dir, name: 'engines', defaults: () => ({ engines: [], current: null }), validate, warn });
  }

  get path(): string {
    return this.file.path;
  }

  read(): EnginesFile {
    return this.file.read();
  }

  update(change: (current: EnginesFile) => EnginesFile): EnginesFile {
    return this.file.update(change);
  }
}

function validate(raw: unknown): EnginesFile {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new TypeError('engines.json must be an object');
  const r = raw as Record<string, unknown>;
  const problems: string[] = [];
  const engines: SavedEngine[] = [];
  for (const item of Array.isArray(r.engines) ? r.engines : []) {
    const e = item as Record<string, unknown> | null;
    const name = typeof e?.name === 'string' ? e.name : '';
    if (!e || engineNameProblem(name) || typeof e.host !== 'string' || !e.host || engines.some((x) => x.name === name)) {
      problems.push(`an engine entry (${name || 'no name'}) could not be used and was dropped`);
      continue;
    }
    engines.push({
      name,
      host: e.host,
      tlsVerify: e.tlsVerify === true,
      certPath: typeof e.certPath === 'string' && e.certPath ? e.certPath : null,
      dockerPath: typeof e.dockerPath === 'string' && e.dockerPath ? e.dockerPath : null,
    });
  }
  const value: EnginesFile = { engines, current: typeof r.current === 'string' && r.current ? r.current : null };
  if (problems.length > 0) throw new PartlyValid(value, problems);
  return value;
}
