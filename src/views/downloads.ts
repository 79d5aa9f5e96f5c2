// The downloads of every engine (DESIGN.md "Downloads"): `image downloads`, serve's downloadstatus and the
// app's Downloads screen show them all, each with its engine; cancel, retry and clear act on a download by
// its id whatever engine it runs on. One worker runs per engine endpoint: engines that share an endpoint
// share its downloads, listed once under the active engine's name (else the first name the catalog gives).
import { Conflict, NotFound } from '../domain/errors';
import { formatAge } from '../domain/format';
import { isActiveStatus } from '../domain/images';
import { sanitizeLine } from '../domain/sanitize';
import type { DownloadRecord } from '../services/engine/index';
import { downloadEngines as everyEngine, type NamedEngine } from '../services/engine/everywhere';
import type { AppServices } from '../services/index';
import { why } from './local';
import { rateText, unsizedLayers } from './progress';
import { table } from './table';

export type DownloadsSource = Pick<AppServices, 'engines' | 'engineFor'>;

/** A download with the engine it runs on. */
export type DownloadRow = DownloadRecord & { engine: string };

export interface DownloadsModel {
  rows: DownloadRow[];
  /** Engines with downloads in `rows`, in the catalog's order. */
  engines: string[];
  /** The engine a command without `--engine` uses (hints name an engine only when it is another one). */
  defaultEngine: string;
  /** Engines whose worker did not answer (their downloads are missing from `rows`). */
  warnings: string[];
}

/** Every engine with a worker or a downloads history, once per endpoint (the active one always). */
export async function downloadEngines(services: DownloadsSource): Promise<NamedEngine[]> {
  return everyEngine(await services.engines(), (name) => services.engineFor(name));
}

/**
 * The downloads of every engine. An engine whose worker does not answer is a warning naming it; when no engine
 * answers, that engine's error (a stuck worker is reported, never shown as an empty list).
 */
export async function allDownloads(services: DownloadsSource): Promise<DownloadsModel> {
  const engines = await downloadEngines(services);
  const defaultEngine = (await services.engines()).defaultName();
  type Answer = { name: string; records: DownloadRecord[]; error?: undefined } | { name: string; records?: undefined; error: unknown };
  const answers = await Promise.all(
    engines.map(async ({ name, engine }): Promise<Answer> => {
      try {
        return { name, records: await engine.downloads.list() };
      } catch (error) {
        return { name, error };
      }
    }),
  );
  const failed = answers.filter((a) => a.records === undefined);
  if (failed.length > 0 && failed.length === answers.length) throw failed[0]?.error;
  const rows = answers.flatMap((a) => (a.records ?? []).map((r) => ({ ...r, engine: a.name })));
  const warnings = failed.map((f) => `the downloads of engine "${f.name}" are not shown: ${why(f.error)}`);
  const withRows = new Set(rows.map((r) => r.engine));
  return { rows, engines: engines.map((e) => e.name).filter((n) => withRows.has(n)), defaultEngine, warnings };
}

/** The engine a download runs on, by its id (404 when no engine knows it). */
export async function findDownload(services: DownloadsSource, id: string): Promise<NamedEngine & { record: DownloadRecord }> {
  const target = id.trim();
  for (const { name, engine } of await downloadEngines(services)) {
    const records = await engine.downloads.list().catch(() => [] as DownloadRecord[]);
    const record = records.find((r) => r.id === target);
    if (record) return { name, engine, record };
  }
  throw new NotFound(`Download not found: ${sanitizeLine(target)}`, { hint: 'see `stevedore image downloads`' });
}

/** Cancels a download for everyone; one that has ended cannot be (a script learns it did not stop it). */
export async function cancelDownload(services: DownloadsSource, id: string): Promise<DownloadRow> {
  const found = await findDownload(services, id);
  if (!isActiveStatus(found.record.status)) {
    throw new Conflict(`${sanitizeLine(found.record.name)} is not running (it is ${found.record.status})`, { hint: '`stevedore image downloads retry ID` starts it again' });
  }
  return { ...(await found.engine.downloads.cancel(found.record.id)), engine: found.name };
}

export async function retryDownload(services: DownloadsSource, id: string): Promise<DownloadRow> {
  const found = await findDownload(services, id);
  return { ...(await found.engine.downloads.retry(found.record.id)), engine: found.name };
}

/** Takes the finished downloads of every engine out of the lists; resolves with how many. */
export async function clearDownloads(services: DownloadsSource): Promise<number> {
  let cleared = 0;
  for (const { engine } of await downloadEngines(services)) cleared += await engine.downloads.clear();
  return cleared;
}


/**
 * `image downloads --json` and serve's downloadstatus: DESIGN.md's shape with the `id` that cancel and retry
 * take, the engine it runs on, its bytes (`total_known` false while layers have no size: the total so far) and
 * its times; serve adds the seed's notes (description, location, icon).
 */
export function downloadJson(r: DownloadRow): {
  id: string;
  engine: string;
  name: string;
  percent: number | null;
  status: string;
  error: string | null;
  current: number | null;
  total: number | null;
  total_known: boolean;
  started_at: string;
  finished_at: string | null;
} {
  return {
    id: r.id,
    engine: r.engine,
    name: r.name,
    percent: r.percent,
    status: r.status,
    error: r.error,
    current: r.current,
    total: r.total,
    total_known: r.total !== null && unsizedLayers(r) === 0,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
  };
}

/** An ENGINE column is shown when the downloads run on more than one engine, or on another than the default one. */
export function showsEngine(engines: readonly string[], defaultEngine: string): boolean {
  return engines.length > 1 || (engines.length === 1 && engines[0] !== defaultEngine);
}

/** The table, with an ENGINE column when it says something (showsEngine). */
export function downloadsTable(model: Pick<DownloadsModel, 'rows' | 'engines' | 'defaultEngine'>, width: number | undefined, now = Date.now()): string[] {
  if (model.rows.length === 0) return ['no downloads'];
  return table(
    model.rows,
    [
      { header: 'ID', get: (r) => r.id },
      ...(showsEngine(model.engines, model.defaultEngine) ? [{ header: 'ENGINE', get: (r: DownloadRow) => r.engine }] : []),
      { header: 'NAME', get: (r) => r.name, flex: true },
      { header: 'STATUS', get: (r) => r.status },
      { header: '%', get: (r) => (r.percent === null ? '-' : String(r.percent)), align: 'right' },
      { header: 'STARTED', get: (r) => formatAge(r.startedAt, now) },
      { header: 'DETAIL', get: (r) => r.error ?? (r.status === 'complete' ? (r.digest ?? '') : rateText(r)), flex: true },
    ],
    width,
  );
}

/** Where a download that goes on in the background is seen: its engine named when it is not the default one. */
export function backgroundHint(engine: string, defaultEngine: string): string {
  return engine === defaultEngine ? '`stevedore image downloads` shows it' : `it runs on engine "${sanitizeLine(engine)}"; \`stevedore image downloads\` shows it`;
}
