// A proxy in front of the `plain` registry that slows down the bodies of blob GETs to a set rate per
// response (default 256 KiB/s), so that a pull has a middle to observe (progress, cancel). Everything else
// passes unchanged. The rate can be changed while pulls run: POST /__throttle {"bytesPerSecond": N}
// (0 = unlimited); GET /__throttle reads it.
import type http from 'node:http';
import { forward, httpRequest, isRecord, listen, readBody, sendJson, type RunningServer } from './http.js';
import { sleep } from './async.js';
import type { WorldInfo } from './types.js';

export const DEFAULT_THROTTLE = 256 * 1024;
const BLOB_GET = /^\/v2\/.+\/blobs\/[a-z0-9]+:[a-f0-9]+$/;

export async function startThrottlingProxy(upstream: string, initial = DEFAULT_THROTTLE): Promise<RunningServer> {
  const up = new URL(upstream);
  let rate = initial;
  return listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (url.pathname === '/__throttle') {
      if (req.method === 'POST') {
        const body: unknown = JSON.parse((await readBody(req)).toString('utf8') || '{}');
        const wanted = isRecord(body) ? Number(body.bytesPerSecond) : NaN;
        if (!Number.isFinite(wanted) || wanted < 0) return sendJson(res, 400, { message: 'bytesPerSecond must be a number >= 0' });
        rate = wanted;
      }
      return sendJson(res, 200, { bytesPerSecond: rate });
    }
    const slow = req.method === 'GET' && BLOB_GET.test(url.pathname);
    forward(req, res, up, slow ? (upRes, r) => void throttledPipe(upRes, r, () => rate) : undefined);
  });
}

/**
 * Copy src to dst at no more than rate() bytes/s, in slices of ~1/20 s so progress stays smooth. A rate
 * change restarts the accounting window, so it takes effect at once, also for responses in flight.
 */
async function throttledPipe(src: http.IncomingMessage, dst: http.ServerResponse, rate: () => number): Promise<void> {
  let current = rate();
  let windowStart = Date.now();
  let sent = 0;
  try {
    for await (const chunk of src) {
      const buf = chunk as Buffer;
      for (let off = 0; off < buf.length; ) {
        if (rate() !== current) [current, windowStart, sent] = [rate(), Date.now(), 0];
        const slice = current > 0 ? buf.subarray(off, off + Math.max(1024, Math.floor(current / 20))) : buf.subarray(off);
        if (current > 0) await sleep(windowStart + (sent * 1000) / current - Date.now());
        if (dst.destroyed) return void src.destroy();
        if (!dst.write(slice)) await drained(dst);
        sent += slice.length;
        off += slice.length;
      }
    }
    dst.end();
  } catch {
    dst.destroy();
  }
}

const drained = (dst: http.ServerResponse): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      dst.off('drain', done);
      dst.off('close', done);
      resolve();
    };
    dst.on('drain', done);
    dst.on('close', done);
  });

/** Set the throttling proxy's rate (bytes per second per blob response; 0 = unlimited). */
export async function setThrottle(info: WorldInfo, bytesPerSecond: number): Promise<void> {
  const res = await httpRequest(info.throttlingProxy.control, {
    method: 'POST',
    body: JSON.stringify({ bytesPerSecond }),
    headers: { 'content-type': 'application/json' },
  });
  if (res.status !== 200) throw new Error(`setThrottle: ${res.status} ${res.text()}`);
}
