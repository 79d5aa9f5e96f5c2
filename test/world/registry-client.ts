// A minimal Registry v2 client for seeding and tests: answers Basic and Bearer challenges (the world's
// own registries only, so no realm checks), caches tokens per scope, uploads blobs, puts manifests.
import { createHash } from 'node:crypto';
import { header, httpRequest, isRecord, type HttpResponse } from './http.js';
import type { RegistryInfo } from './types.js';

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export const sha256 = (data: Buffer | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

interface RequestOptions {
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Scope to ask the token server for, besides whatever the challenge names. */
  scope?: string;
}

export class RegistryClient {
  private readonly tokens = new Map<string, string>();
  private basic: string | undefined;

  constructor(readonly reg: RegistryInfo) {}

  async request(method: string, pathOrUrl: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    const url = new URL(pathOrUrl, this.reg.url).toString();
    const send = (): Promise<HttpResponse> =>
      httpRequest(url, { method, body: opts.body, ca: this.reg.caCertPem, headers: { ...opts.headers, ...this.authHeader(opts.scope) } });
    const first = await send();
    if (first.status !== 401 || !(await this.answerChallenge(first, opts.scope))) return first;
    return send();
  }

  private authHeader(scope: string | undefined): Record<string, string> {
    const token = this.tokens.get(scope ?? '');
    if (token) return { authorization: `Bearer ${token}` };
    return this.basic ? { authorization: this.basic } : {};
  }

  private basicHeader(): Record<string, string> {
    if (this.reg.username === undefined) return {};
    return { authorization: `Basic ${Buffer.from(`${this.reg.username}:${this.reg.password ?? ''}`).toString('base64')}` };
  }

  /** Learn credentials from a 401; true when a retry may succeed. */
  private async answerChallenge(res: HttpResponse, scope: string | undefined): Promise<boolean> {
    const challenge = parseChallenge(header(res, 'www-authenticate') ?? '');
    if (challenge.scheme === 'basic' && this.reg.username !== undefined && !this.basic) {
      this.basic = this.basicHeader().authorization;
      return true;
    }
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) return false;
    const token = await this.fetchToken(challenge.params, scope);
    this.tokens.set(scope ?? '', token);
    return true;
  }

  private async fetchToken(params: Record<string, string>, scope: string | undefined): Promise<string> {
    const url = new URL(params.realm ?? '');
    if (params.service) url.searchParams.set('service', params.service);
    for (const s of new Set([params.scope, scope].filter((s): s is string => Boolean(s)))) url.searchParams.append('scope', s);
    const res = await httpRequest(url.toString(), { headers: this.basicHeader() });
    const body = res.status === 200 ? res.json() : null;
    const token = isRecord(body) ? (body.access_token ?? body.token) : undefined;
    if (typeof token !== 'string') throw new Error(`token server ${url.origin} answered ${res.status}: ${res.text().slice(0, 200)}`);
    return token;
  }

  // ---- operations ---------------------------------------------------------------------------------------

  private ensureOk(res: HttpResponse, what: string, ok: number[] = [200, 201, 202]): HttpResponse {
    if (!ok.includes(res.status)) throw new Error(`${this.reg.name}: ${what} -> ${res.status} ${res.text().slice(0, 300)}`);
    return res;
  }

  async pushBlob(repo: string, data: Buffer, digest = sha256(data)): Promise<string> {
    const scope = `repository:${repo}:pull,push`;
    const head = await this.request('HEAD', `/v2/${repo}/blobs/${digest}`, { scope });
    if (head.status === 200) return digest;
    const start = this.ensureOk(await this.request('POST', `/v2/${repo}/blobs/uploads/`, { scope }), `start upload ${repo}`);
    const location = new URL(header(start, 'location') ?? '', this.reg.url);
    location.searchParams.set('digest', digest);
    const put = await this.request('PUT', location.toString(), {
      scope,
      body: data,
      headers: { 'content-type': 'application/octet-stream' },
    });
    this.ensureOk(put, `upload ${repo}@${digest}`);
    return digest;
  }

  async putManifest(repo: string, ref: string, body: Buffer, mediaType: string): Promise<string> {
    const res = await this.request('PUT', `/v2/${repo}/manifests/${ref}`, {
      scope: `repository:${repo}:pull,push`,
      body,
      headers: { 'content-type': mediaType },
    });
    this.ensureOk(res, `put manifest ${repo}:${ref}`);
    return header(res, 'docker-content-digest') ?? sha256(body);
  }

  async getManifest(repo: string, ref: string): Promise<{ body: Buffer; mediaType: string; digest: string }> {
    const res = await this.request('GET', `/v2/${repo}/manifests/${ref}`, { scope: `repository:${repo}:pull`, headers: { accept: MANIFEST_ACCEPT } });
    this.ensureOk(res, `get manifest ${repo}:${ref}`, [200]);
    const mediaType = (header(res, 'content-type') ?? '').split(';')[0] ?? '';
    return { body: res.body, mediaType, digest: header(res, 'docker-content-digest') ?? sha256(res.body) };
  }
}

export function parseChallenge(value: string): { scheme: string; params: Record<string, string> } {
  const m = /^(\w+)\s*(.*)$/.exec(value.trim());
  const params: Record<string, string> = {};
  for (const p of (m?.[2] ?? '').matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    if (p[1]) params[p[1].toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme: (m?.[1] ?? '').toLowerCase(), params };
}
