// Helpers that act on the world's dockerd: the docker CLI, the Engine API over the unix socket, FROM-scratch
// builds, bulk `docker load`, and emptying the engine between tests.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { httpRequest, isRecord, type HttpResponse } from './http.js';
import { mapLimited } from './async.js';
import { run, type RunResult } from './proc.js';
import { hostPlatform } from './images.js';
import { sha256 } from './registry-client.js';
import { tar, type TarEntry } from './tar.js';
import type { BuildSpec, RegistryInfo, WorldInfo } from './types.js';

/** Debian's client matches the daemon (20.10) and still has the classic builder (DOCKER_BUILDKIT=0). */
export const DOCKER_CLI = '/usr/bin/docker';

export interface DockerOptions {
  input?: string;
  /** Client config dir (credentials of `docker login`); default the world's own. */
  configDir?: string;
  env?: Record<string, string>;
}

export function docker(info: WorldInfo, args: string[], opts: DockerOptions = {}): Promise<RunResult> {
  return run(DOCKER_CLI, ['--config', opts.configDir ?? info.dockerConfig, '-H', info.dockerHost, ...args], {
    input: opts.input,
    env: { ...process.env, DOCKER_BUILDKIT: '0', ...opts.env },
  });
}

async function dockerOk(info: WorldInfo, args: string[], opts: DockerOptions = {}): Promise<string> {
  const r = await docker(info, args, opts);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** `docker login` (through the daemon, which checks the registry's certificate against certs.d). */
export async function dockerLogin(info: WorldInfo, reg: RegistryInfo, configDir?: string): Promise<void> {
  if (reg.username === undefined) return;
  await dockerOk(info, ['login', '--username', reg.username, '--password-stdin', reg.host], { input: reg.password ?? '', configDir });
}

export function engine(info: WorldInfo, method: string, apiPath: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<HttpResponse> {
  return httpRequest(`http://docker${apiPath}`, { method, body, headers, socketPath: info.dockerSocket, timeoutMs: 300_000 });
}

/** Build `ref` FROM scratch with the classic builder: one COPY (one layer) of random bytes per `layers` entry. */
export async function buildImage(info: WorldInfo, ref: string, spec: BuildSpec): Promise<string> {
  const ctx = fs.mkdtempSync(path.join(info.root, 'build-'));
  try {
    const lines = ['FROM scratch'];
    spec.layers.forEach((size, i) => {
      fs.writeFileSync(path.join(ctx, `layer-${i}.bin`), randomBytes(size));
      lines.push(`COPY layer-${i}.bin /data/layer-${i}.bin`);
    });
    // One instruction each for labels and env: every classic-builder step costs a container commit.
    const pairs = (o: Record<string, string>, key: (k: string) => string): string =>
      Object.entries(o).map(([k, v]) => `${key(k)}=${JSON.stringify(v)}`).join(' ');
    if (spec.labels && Object.keys(spec.labels).length) lines.push(`LABEL ${pairs(spec.labels, (k) => JSON.stringify(k))}`);
    if (spec.env && Object.keys(spec.env).length) lines.push(`ENV ${pairs(spec.env, (k) => k)}`);
    if (spec.expose?.length) lines.push(`EXPOSE ${spec.expose.join(' ')}`);
    if (spec.workdir) lines.push(`WORKDIR ${spec.workdir}`);
    if (spec.user) lines.push(`USER ${spec.user}`);
    if (spec.entrypoint) lines.push(`ENTRYPOINT ${JSON.stringify(spec.entrypoint)}`);
    if (spec.cmd) lines.push(`CMD ${JSON.stringify(spec.cmd)}`);
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), `${lines.join('\n')}\n`);
    const out = await dockerOk(info, ['build', '--quiet', '--force-rm', '--tag', ref, ctx]);
    return out.trim();
  } finally {
    fs.rmSync(ctx, { recursive: true, force: true });
  }
}

/**
 * docker build + docker push (logging in first when the registry wants credentials), then remove the local
 * image again so the engine stays as the test left it. Returns the pushed manifest digest.
 */
export async function buildAndPush(info: WorldInfo, ref: string, spec: BuildSpec, registry?: RegistryInfo): Promise<string> {
  await buildImage(info, ref, spec);
  if (registry) await dockerLogin(info, registry);
  const push = await docker(info, ['push', ref]);
  if (push.code !== 0) throw new Error(`docker push ${ref}: ${push.stderr.trim()}`);
  const digest = /digest: (sha256:[a-f0-9]{64})/.exec(push.stdout)?.[1];
  if (!digest) throw new Error(`docker push ${ref}: no digest in output:\n${push.stdout}`);
  await dockerOk(info, ['rmi', ref]);
  return digest;
}

/**
 * Load `count` distinct tiny images (distinct configs over one shared empty-ish layer) tagged
 * `<prefix>-<i>:v1`, with one `docker load` (POST /images/load) of a generated docker-archive.
 */
export async function loadBulkImages(info: WorldInfo, count: number, prefix = 'bulk/img'): Promise<void> {
  const layer = tar([{ name: 'bulk.txt', data: Buffer.from('stevedore bulk image\n') }]);
  const diffId = sha256(layer);
  const layerPath = `${diffId.slice(7)}/layer.tar`;
  const entries: TarEntry[] = [{ name: diffId.slice(7), type: 'dir' }, { name: layerPath, data: layer }];
  const manifest: Array<Record<string, unknown>> = [];
  const base = Date.parse('2024-01-01T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const created = new Date(base + i * 60_000).toISOString();
    const config = Buffer.from(
      JSON.stringify({
        architecture: hostPlatform().architecture,
        os: 'linux',
        created,
        config: { Labels: { 'org.stevedore.bulk.index': String(i) }, Cmd: ['/bulk.txt'] },
        rootfs: { type: 'layers', diff_ids: [diffId] },
        history: [{ created, created_by: 'stevedore test world bulk image' }],
      }),
    );
    const configName = `${sha256(config).slice(7)}.json`;
    entries.push({ name: configName, data: config });
    manifest.push({ Config: configName, RepoTags: [`${prefix}-${i}:v1`], Layers: [layerPath] });
  }
  entries.push({ name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) });
  const res = await engine(info, 'POST', '/images/load?quiet=1', tar(entries), { 'content-type': 'application/x-tar' });
  const failure = res.status !== 200 ? res.text() : streamError(res.text());
  if (failure) throw new Error(`docker load of ${count} images failed: ${failure}`);
}

/** The first error in an Engine JSON-lines stream (errors may arrive after a 200). */
export function streamError(text: string): string | null {
  for (const line of text.split(/\r?\n/).filter(Boolean)) {
    try {
      const msg: unknown = JSON.parse(line);
      if (isRecord(msg) && msg.error !== undefined) return String(msg.error);
    } catch {
      return `unparsable engine output: ${line.slice(0, 200)}`;
    }
  }
  return null;
}

/**
 * Remove every image from the engine (tests decide what is local; start each from empty). Builds leave
 * parent chains, and a parent cannot go before its children, so go round until nothing is left.
 */
export async function removeAllImages(info: WorldInfo): Promise<void> {
  for (let pass = 0; pass < 10; pass++) {
    const list: unknown = (await engine(info, 'GET', '/images/json?all=1')).json();
    const ids = Array.isArray(list) ? list.filter(isRecord).map((i) => String(i.Id)) : [];
    if (ids.length === 0) return;
    await mapLimited(ids, 8, (id) => engine(info, 'DELETE', `/images/${id}?force=1`)); // 404/409 settle next pass
  }
  throw new Error('could not empty the engine: images remain after 10 passes');
}
