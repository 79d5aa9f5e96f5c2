// A simplestreams reader (what LXD's image servers speak): `streams/v1/index.json`, then each
// `image-downloads` products file it names, read into container products (PROTOCOLS.md "LXD / Incus
// images"). Over the registry transport, so timeouts, size limits, proxies and TLS verification are the
// same as for registries.
import type { LxcProduct } from '../../domain/lxc';
import { BadResponse, NotFound } from '../../domain/errors';
import { isSuccess, readJson, statusError } from '../registry/responses';
import type { Transport } from '../registry/transport';
import { parseProducts, parseStreamsIndex } from './parse';

/** The products file of a big public server is several MB. */
const PRODUCTS_MAX_BYTES = 64 * 1024 * 1024;
const INDEX_MAX_BYTES = 4 * 1024 * 1024;

export class SimpleStreamsClient {
  constructor(private readonly http: () => Transport) {}

  /** Every container product the server offers. */
  async products(serverUrl: string, signal?: AbortSignal): Promise<LxcProduct[]> {
    const base = serverUrl.replace(/\/+$/, '');
    const index = await this.getJson(`${base}/streams/v1/index.json`, 'the simplestreams index', INDEX_MAX_BYTES, signal);
    const paths = parseStreamsIndex(index);
    if (paths.length === 0) throw new BadResponse(`${new URL(base).host} lists no image downloads in streams/v1/index.json`, { hint: 'is it a simplestreams image server?' });
    const all: LxcProduct[] = [];
    for (const path of paths) all.push(...parseProducts(await this.getJson(`${base}/${path}`, 'the image list', PRODUCTS_MAX_BYTES, signal)));
    return all;
  }

  private async getJson(url: string, what: string, maxBytes: number, signal?: AbortSignal): Promise<unknown> {
    const res = await this.http().send({ url, maxBytes, signal, headers: { accept: 'application/json' } });
    if (!isSuccess(res)) {
      throw statusError(res, { what, notFound: () => new NotFound(`${what} not found at ${url}`, { hint: 'is it a simplestreams image server?' }) });
    }
    return readJson(res, what);
  }
}
