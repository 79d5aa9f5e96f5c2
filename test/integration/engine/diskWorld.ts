// The disk-truth fixture of issue 23 on the world's real dockerds, shared by the CLI test (disk.test.ts) and the
// app's (tui/disk.e2e.test.ts): three images on one shared 4 MB layer with own layers of 1, 2 and 3 MB (and,
// with `dangling`, an untagged one on its own 500 kB layer), loaded through POST /images/load (a docker-archive
// made in Node: no build, no registry), and the engine's own count (`GET /system/df`).
import { randomBytes } from 'node:crypto';
import { hostPlatform, httpRequest, sha256, streamError } from '../../world/index.js';
import { tar, type TarEntry } from '../../world/tar.js';

export const MB = 1_000_000;

export interface DfImage {
  Id: string;
  Size: number;
  SharedSize: number;
  Containers: number;
}
export interface Df {
  LayersSize: number;
  Images: DfImage[];
}
export const engineCall = async (socket: string, method: string, path: string, body?: Buffer): Promise<unknown> => {
  const res = await httpRequest(`http://docker${path}`, {
    method,
    socketPath: socket,
    timeoutMs: 120_000,
    ...(body ? { body, headers: { 'content-type': 'application/x-tar' } } : {}),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text()}`);
  return path.startsWith('/images/load') ? res.text() : res.json();
};
export const df = (socket: string): Promise<Df> => engineCall(socket, 'GET', '/system/df') as Promise<Df>;

/**
 * Loads the must-show trio (and, with `dangling`, one untagged image on its own 500 kB layer) into an engine
 * through POST /images/load: no build, no registry. Returns the image IDs by tag.
 */
export async function loadTrio(socket: string, prefix: string, dangling = false): Promise<Record<string, string>> {
  const entries: TarEntry[] = [];
  const layerPath = (data: Buffer): string => {
    const diffId = sha256(data);
    const name = `${diffId.slice(7)}/layer.tar`;
    if (!entries.some((e) => e.name === name)) entries.push({ name: diffId.slice(7), type: 'dir' }, { name, data });
    return name;
  };
  const layer = (file: string, size: number): Buffer => tar([{ name: file, data: randomBytes(size) }]);
  const base = layer('base.bin', 4 * MB);
  const created = '2024-01-01T00:00:00Z';
  const manifest: Array<Record<string, unknown>> = [];
  const ids: Record<string, string> = {};
  const add = (tag: string | null, layers: Buffer[], steps: string[]): void => {
    const config = Buffer.from(
      JSON.stringify({
        architecture: hostPlatform().architecture,
        os: 'linux',
        created,
        config: { Cmd: ['/own.bin'] },
        rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l)) },
        // A step that makes no layer between the two that do, as real builds have (ENV, LABEL…).
        history: steps.map((s) => ({ created, created_by: s, ...(s.startsWith('ENV') ? { empty_layer: true } : {}) })),
      }),
    );
    const name = `${sha256(config).slice(7)}.json`;
    entries.push({ name, data: config });
    manifest.push({ Config: name, RepoTags: tag ? [tag] : [], Layers: layers.map(layerPath) });
    ids[tag ?? '<none>'] = sha256(config);
  };
  for (const n of [1, 2, 3]) add(`${prefix}${n}:1`, [base, layer(`own-${n}.bin`, n * MB)], ['ADD base.tar / # buildkit', 'ENV STEP=1', `COPY own-${n}.bin / # buildkit`]);
  if (dangling) add(null, [layer('loose.bin', 500_000)], ['COPY loose.bin / # buildkit']);
  entries.push({ name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) });
  const answer = String(await engineCall(socket, 'POST', '/images/load?quiet=1', tar(entries)));
  const failure = streamError(answer);
  if (failure) throw new Error(`docker load: ${failure}`);
  return ids;
}

export async function emptyEngine(socket: string): Promise<void> {
  for (let pass = 0; pass < 5; pass++) {
    const list = (await engineCall(socket, 'GET', '/images/json?all=1')) as Array<{ Id: string }>;
    if (list.length === 0) return;
    for (const { Id } of list) await httpRequest(`http://docker/images/${Id}?force=1`, { method: 'DELETE', socketPath: socket, timeoutMs: 60_000 });
  }
}
