// Reusing a world started by `tsx test/world/cli.ts up` (benchmarks, people iterating on tests): the
// WorldInfo JSON it writes, and a check that the processes behind it still answer.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { httpRequest, isRecord } from './http.js';
import type { WorldInfo } from './types.js';

export const WORLD_FILE = path.join(os.tmpdir(), 'stevedore-world.json');

export function readWorldFile(file: string): WorldInfo | null {
  try {
    const data: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return isRecord(data) && typeof data.dockerSocket === 'string' && isRecord(data.registries) ? (data as unknown as WorldInfo) : null;
  } catch {
    return null;
  }
}

/** Every process of the world answers: dockerd's _ping, each registry's /v2/, the Node servers. */
export async function isWorldAlive(info: WorldInfo): Promise<boolean> {
  const answers = async (url: string, opts: Parameters<typeof httpRequest>[1] = {}): Promise<boolean> => {
    try {
      const res = await httpRequest(url, { ...opts, timeoutMs: 3_000 });
      return res.status > 0 && res.status < 500;
    } catch {
      return false;
    }
  };
  const checks = [
    answers('http://docker/_ping', { socketPath: info.dockerSocket }),
    ...Object.values(info.registries).map((r) => answers(`${r.url}/v2/`, { ca: r.caCertPem })),
    answers(`${info.hubApi}/__health`),
    answers(`${info.tokenServer}/stats`),
    answers(info.paginatingProxy.url + '/v2/'),
    answers(info.throttlingProxy.control),
  ];
  return (await Promise.all(checks)).every(Boolean);
}
