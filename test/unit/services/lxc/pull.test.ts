import { describe, expect, it } from 'vitest';
import { PullFold } from '../../../../src/domain/progress';
import { lxcJobName, lxcJobRef, parseLxcArchitecture, parseLxcJobRef, checkServerUrl, type LxcPullJob } from '../../../../src/domain/lxc';
import { parseDownloadProgress, progressEvents } from '../../../../src/services/lxc/pull';

const job: LxcPullJob = { server: 'https://images.example', serverName: 'images', fingerprint: 'a'.repeat(64), aliases: ['alpine/3.20', 'alpine/3.20/default'], architecture: 'x86_64', size: 1000 };
const op = (text: string) => ({ id: 'x', status: 'Running', statusCode: 103, err: '', mayCancel: true, metadata: { download_progress: text } });

describe('LXD download progress', () => {
  it('reads LXD 5 progress text', () => {
    expect(parseDownloadProgress('rootfs: 42% (1.23MB/s)')).toEqual({ part: 'rootfs', percent: 42 });
    expect(parseDownloadProgress('metadata: 100% (5.00kB/s)')).toEqual({ part: 'metadata', percent: 100 });
    expect(parseDownloadProgress('Unpacking image')).toBeNull();
  });

  it('folds into a download whose percent never goes down', () => {
    const fold = new PullFold();
    for (const text of ['metadata: 100% (1kB/s)', 'rootfs: 10% (1MB/s)', 'rootfs: 60% (1MB/s)', 'rootfs: 100% (1MB/s)']) {
      for (const e of progressEvents(job, op(text))) fold.apply(e);
    }
    const view = fold.view();
    expect(view.total).toBe(1000);
    expect(view.current).toBe(1000);
    expect(view.percent).toBeLessThan(100);
    expect(view.percent).toBeGreaterThanOrEqual(60);
  });
});

describe('LXC jobs', () => {
  it('round-trips through the download ref', () => {
    const ref = lxcJobRef(job);
    expect(ref.startsWith('lxc:')).toBe(true);
    expect(parseLxcJobRef(ref)).toEqual(job);
    expect(parseLxcJobRef('redis:7')).toBeNull();
    expect(parseLxcJobRef('lxc:server=http://x&fingerprint=' + 'a'.repeat(64))).toBeNull();
    expect(lxcJobName(job)).toBe('images:alpine/3.20');
  });

  it('reads architectures and server URLs', () => {
    expect(parseLxcArchitecture('linux/arm64')).toBe('aarch64');
    expect(parseLxcArchitecture('amd64')).toBe('x86_64');
    expect(() => parseLxcArchitecture('linux/x y')).toThrow(/invalid architecture/);
    expect(checkServerUrl('https://images.example/')).toBe('https://images.example');
    expect(() => checkServerUrl('http://images.example')).toThrow(/https/);
    expect(() => checkServerUrl('https://u:p@images.example')).toThrow(/credentials/);
  });
});
