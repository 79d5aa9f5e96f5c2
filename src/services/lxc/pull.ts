// An LXC download as the worker runs it: LXD is asked to fetch the image from the simplestreams server
// (POST /1.0/images, by fingerprint), its operation is followed, and the operation's progress text
// (`rootfs: 42% (1.2MB/s)`, `metadata: 100% (…)`) becomes the same pull events a Docker pull gives, so the
// download screen, `image pull` and `image downloads` show it the same way. Cancelling cancels the operation.
// When LXD has the image, the product's aliases are pointed at it (as `lxc image copy --copy-aliases`).
import type { LxcPullJob } from '../../domain/lxc';
import type { PullEvent } from '../../domain/progress';
import type { LxdClient, LxdOperation } from '../../clients/lxd/index';

const EMPTY: Omit<PullEvent, 'status' | 'id'> = { current: null, total: null, hidecounts: false, units: null, error: null };

/** `rootfs: 42% (1.23MB/s)` → { part: 'rootfs', percent: 42 }; null for any other text. */
export function parseDownloadProgress(text: string): { part: string; percent: number } | null {
  const m = /^\s*([A-Za-z0-9_ -]+?)\s*:\s*(\d{1,3})%/.exec(text);
  if (!m) return null;
  const percent = Math.min(100, Number(m[2]));
  return { part: (m[1] ?? '').trim().toLowerCase(), percent };
}

/** One operation snapshot as pull events for the job's one "layer" (the image). */
export function progressEvents(job: LxcPullJob, op: LxdOperation): PullEvent[] {
  const id = job.fingerprint.slice(0, 12);
  const text = op.metadata.download_progress ?? op.metadata.progress ?? '';
  const parsed = parseDownloadProgress(text);
  if (!parsed) return text ? [{ ...EMPTY, status: text, id: null }] : [];
  const total = job.size ?? 100;
  // The metadata file is tiny next to the root file system: it counts as the start.
  const fraction = parsed.part === 'rootfs' ? parsed.percent / 100 : 0;
  return [{ ...EMPTY, status: 'Downloading', id, current: Math.round(fraction * total), total }];
}

export function lxcPullRunner(client: () => LxdClient): (job: LxcPullJob, onEvent: (event: PullEvent) => void, signal: AbortSignal) => Promise<void> {
  return async (job, onEvent, signal) => {
    const id = job.fingerprint.slice(0, 12);
    const lxd = client();
    onEvent({ ...EMPTY, status: 'Pulling fs layer', id });
    if (job.size !== null) onEvent({ ...EMPTY, status: 'Downloading', id, current: 0, total: job.size });
    const fingerprint = await lxd.pull(
      { server: job.server, fingerprint: job.fingerprint },
      (op) => {
        for (const event of progressEvents(job, op)) onEvent(event);
      },
      signal,
    );
    onEvent({ ...EMPTY, status: 'Download complete', id });
    for (const alias of job.aliases) await lxd.setAlias(alias, fingerprint);
    onEvent({ ...EMPTY, status: 'Pull complete', id });
    onEvent({ ...EMPTY, status: `Digest: ${fingerprint}`, id: null });
  };
}
