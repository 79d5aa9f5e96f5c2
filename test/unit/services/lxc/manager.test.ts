// LXC jobs in the download queue: an `lxc:` ref carries the job, is one download however often it is asked
// for, reaches the runner as `job.lxc`, and comes back from the history as the same job (retry works).
import { describe, expect, it } from 'vitest';
import { NotFound } from '../../../../src/domain/errors';
import { lxcJobRef, type LxcPullJob } from '../../../../src/domain/lxc';
import { DownloadManager, type PullJob } from '../../../../src/services/downloads/manager';

const job: LxcPullJob = { server: 'https://images.example', serverName: 'images', fingerprint: 'c'.repeat(64), aliases: ['alpine/3.20'], architecture: 'x86_64', size: 10 };
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('LXC jobs in the DownloadManager', () => {
  it('queues, deduplicates and hands the job to the runner; history keeps it', async () => {
    const seen: PullJob[] = [];
    let finish: () => void = () => undefined;
    const run = (j: PullJob) => {
      seen.push(j);
      return new Promise<void>((resolve) => (finish = resolve));
    };
    let n = 0;
    const m = new DownloadManager({ run, classify: (e) => new NotFound(String(e)), concurrency: () => 2, newId: () => `d${++n}` });
    const first = m.start(lxcJobRef(job), null);
    const again = m.start(lxcJobRef(job), null);
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ name: 'images:alpine/3.20', ref: lxcJobRef(job), status: 'waiting' });
    await tick();
    expect(seen[0]?.lxc).toEqual(job);
    finish();
    await tick();
    await tick();
    const done = m.get(first.id);
    expect(done.status).toBe('complete');

    const restored = new DownloadManager({ run, classify: (e) => new NotFound(String(e)), concurrency: () => 2, history: [done] });
    restored.retry(first.id);
    await tick();
    expect(seen[1]?.lxc).toEqual(job);
    expect(restored.get(first.id).name).toBe('images:alpine/3.20');
  });
});
