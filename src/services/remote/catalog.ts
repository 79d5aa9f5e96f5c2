// The selected catalog: the shipped assets/catalog.json, or the file / https URL of the `catalog` setting,
// read with the same care as any remote answer (size limit, JSON checked, entries validated and sanitised).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transport } from '../../clients/registry/index';
import { parseCatalog, type Catalog } from '../../domain/catalog';
import { BadResponse, InvalidInput, NotFound } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';

const CATALOG_LIMIT = 2 * 1024 * 1024;
const URL_CACHE_MS = 10 * 60 * 1000;

export class CatalogSource {
  private cached: { source: string; at: number; catalog: Catalog } | undefined;

  constructor(
    private readonly assetsDir: string,
    private readonly http: () => Transport,
    private readonly now: () => number = Date.now,
    /** The shipped catalog's text when it is no file in assetsDir (the single-file build carries it inside). */
    private readonly shippedText?: () => string,
  ) {}

  /** The catalog named by the setting (empty: the shipped one). */
  async load(setting: string, signal?: AbortSignal): Promise<Catalog> {
    if (!setting.trim() && this.shippedText) return parseCatalog(parseJson(this.shippedText(), 'catalog.json'), 'catalog.json');
    const source = setting.trim() || join(this.assetsDir, 'catalog.json');
    if (/^https:\/\//i.test(source)) {
      if (this.cached && this.cached.source === source && this.now() - this.cached.at < URL_CACHE_MS) return this.cached.catalog;
      const catalog = await this.fromUrl(source, signal);
      this.cached = { source, at: this.now(), catalog };
      return catalog;
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) throw new InvalidInput('catalog must be a file path or an https:// URL');
    return this.fromFile(source);
  }

  private async fromFile(path: string): Promise<Catalog> {
    let text: string;
    try {
      const info = await stat(path);
      if (info.size > CATALOG_LIMIT) throw new BadResponse(`catalog ${sanitizeLine(path)} is larger than ${CATALOG_LIMIT} bytes`);
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (error instanceof BadResponse) throw error;
      throw new NotFound(`catalog file not found or unreadable: ${sanitizeLine(path)}`, { hint: 'see `stevedore config get catalog`' });
    }
    return parseCatalog(parseJson(text, path), path);
  }

  private async fromUrl(url: string, signal?: AbortSignal): Promise<Catalog> {
    const res = await this.http().send({ url, signal, maxBytes: CATALOG_LIMIT, headers: { accept: 'application/json' } });
    const host = new URL(res.url).host;
    if (res.status === 404) throw new NotFound(`catalog not found at ${sanitizeLine(url)}`);
    if (res.status < 200 || res.status >= 300) throw new BadResponse(`${host} answered HTTP ${res.status} for the catalog`);
    const type = String(res.headers['content-type'] ?? '');
    if (type.includes('html')) throw new BadResponse(`${host} answered a web page instead of the catalog`);
    return parseCatalog(parseJson(res.body.toString('utf8'), url), url);
  }
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadResponse(`catalog ${sanitizeLine(source)} is not valid JSON`);
  }
}
