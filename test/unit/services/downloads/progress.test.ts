// Folding of pull progress streams (src/domain/progress.ts) with event sequences in the shapes the engine
// sends (PROTOCOLS.md §4): the classic store and the containerd store, and an error after the 200.
import { describe, expect, it } from 'vitest';
import { PullFold, RateMeter, parsePullEvent, type PullEvent } from '../../../../src/domain/progress';

const ev = (raw: Record<string, unknown>): PullEvent => {
  const e = parsePullEvent(raw);
  if (!e) throw new Error('not an event');
  return e;
};

/** Classic store: two layers, one already present. */
const CLASSIC: Record<string, unknown>[] = [
  { status: 'Pulling from library/redis', id: '7' },
  { status: 'Already exists', progressDetail: {}, id: 'aaaaaaaaaaaa' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'bbbbbbbbbbbb' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'cccccccccccc' },
  { status: 'Waiting', progressDetail: {}, id: 'cccccccccccc' },
  { status: 'Downloading', progressDetail: { current: 100_000, total: 1_000_000 }, progress: '[=>    ] 100kB/1MB', id: 'bbbbbbbbbbbb' },
  { status: 'Downloading', progressDetail: { current: 500_000, total: 1_000_000 }, id: 'bbbbbbbbbbbb' },
  { status: 'Downloading', progressDetail: { current: 50_000, total: 3_000_000 }, id: 'cccccccccccc' },
  { status: 'Verifying Checksum', progressDetail: {}, id: 'bbbbbbbbbbbb' },
  { status: 'Download complete', progressDetail: {}, id: 'bbbbbbbbbbbb' },
  { status: 'Extracting', progressDetail: { current: 500_000, total: 1_000_000 }, id: 'bbbbbbbbbbbb' },
  { status: 'Extracting', progressDetail: { current: 1_000_000, total: 1_000_000 }, id: 'bbbbbbbbbbbb' },
  { status: 'Pull complete', progressDetail: {}, id: 'bbbbbbbbbbbb' },
  { status: 'Downloading', progressDetail: { current: 3_000_000, total: 3_000_000 }, id: 'cccccccccccc' },
  { status: 'Download complete', progressDetail: {}, id: 'cccccccccccc' },
  { status: 'Extracting', progressDetail: { current: 3_000_000, total: 3_000_000 }, id: 'cccccccccccc' },
  { status: 'Pull complete', progressDetail: {}, id: 'cccccccccccc' },
  { status: 'Digest: sha256:1111111111111111111111111111111111111111111111111111111111111111' },
  { status: 'Status: Downloaded newer image for redis:7' },
];

/** containerd image store: hidecounts, Extracting in seconds without a total. */
const CONTAINERD: Record<string, unknown>[] = [
  { status: 'Pulling from library/alpine', id: '3.19' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'dddddddddddd' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'eeeeeeeeeeee' },
  { status: 'Downloading', progressDetail: { current: 200_000, total: 800_000 }, id: 'dddddddddddd' },
  { status: 'Downloading', progressDetail: { current: 100_000, total: 200_000 }, id: 'eeeeeeeeeeee' },
  { status: 'Download complete', progressDetail: { hidecounts: true }, id: 'eeeeeeeeeeee' },
  { status: 'Downloading', progressDetail: { current: 800_000, total: 800_000 }, id: 'dddddddddddd' },
  { status: 'Download complete', progressDetail: { hidecounts: true }, id: 'dddddddddddd' },
  { status: 'Extracting', progressDetail: { current: 1, units: 's' }, id: 'dddddddddddd' },
  { status: 'Extracting', progressDetail: { current: 2, units: 's' }, id: 'dddddddddddd' },
  { status: 'Pull complete', progressDetail: { hidecounts: true }, id: 'dddddddddddd' },
  { status: 'Pull complete', progressDetail: { hidecounts: true }, id: 'eeeeeeeeeeee' },
  { status: 'Digest: sha256:2222222222222222222222222222222222222222222222222222222222222222' },
  { status: 'Status: Downloaded newer image for alpine:3.19' },
];

function run(events: Record<string, unknown>[]): { fold: PullFold; percents: Array<number | null> } {
  const fold = new PullFold();
  const percents: Array<number | null> = [];
  for (const raw of events) {
    fold.apply(ev(raw));
    percents.push(fold.view().percent);
  }
  return { fold, percents };
}

function nonDecreasing(values: Array<number | null>): boolean {
  let last = -1;
  for (const v of values) {
    if (v === null) {
      if (last >= 0) return false; // once known, a percent never goes back to unknown
      continue;
    }
    if (v < last) return false;
    last = v;
  }
  return true;
}

describe('parsePullEvent', () => {
  it('narrows the fields it uses and ignores the deprecated progress string', () => {
    expect(ev({ status: 'Downloading', id: 'x', progressDetail: { current: 5, total: 10 }, progress: '[=>] 5B/10B' })).toEqual({
      status: 'Downloading',
      id: 'x',
      current: 5,
      total: 10,
      hidecounts: false,
      units: null,
      error: null,
    });
    expect(parsePullEvent('text')).toBeNull();
    expect(parsePullEvent([1])).toBeNull();
    expect(ev({ progressDetail: { current: 'x', total: null } })).toMatchObject({ current: null, total: null, status: null });
  });

  it('takes errorDetail.message first, then error, and strips terminal controls', () => {
    expect(ev({ error: 'old', errorDetail: { code: 50, message: 'Json error' } }).error).toBe('Json error');
    expect(ev({ error: 'only the string' }).error).toBe('only the string');
    expect(ev({ errorDetail: {} }).error).toBe('the engine reported an error without a message');
    expect(ev({ error: 'bad \u001b[31mred\u001b[0m thing' }).error).toBe('bad red thing');
  });
});

describe('PullFold: classic store', () => {
  it('keeps layers in first-seen order, ignores the Pulling-from line as a layer, and ends at 100 with the digest', () => {
    const { fold, percents } = run(CLASSIC);
    fold.complete();
    const view = fold.view();
    expect(view.layers.map((l) => l.id)).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc']);
    expect(view.percent).toBe(100);
    expect(view.digest).toBe('sha256:1111111111111111111111111111111111111111111111111111111111111111');
    expect(view.detail).toBe('Status: Downloaded newer image for redis:7');
    expect(nonDecreasing([...percents, view.percent])).toBe(true);
    expect(view.error).toBeNull();
  });

  it('is null until a total is known, then weighs download 80% and extraction 20%', () => {
    const { percents } = run(CLASSIC.slice(0, 5));
    expect(percents.every((p) => p === null)).toBe(true);
    const fold = new PullFold();
    for (const raw of CLASSIC.slice(0, 7)) fold.apply(ev(raw));
    // b: 500k of 1M known; c: unknown size, estimated at the average (1M): (0.8*0.5*1M + 0) / 2M = 20%.
    expect(fold.view().percent).toBe(20);
    expect(fold.view().current).toBe(500_000);
    expect(fold.view().total).toBe(1_000_000);
    expect(fold.view().phase).toBe('downloading');
  });

  it('never goes down when a big layer reveals its size', () => {
    const fold = new PullFold();
    for (const raw of CLASSIC.slice(0, 7)) fold.apply(ev(raw));
    const before = fold.view().percent ?? 0;
    fold.apply(ev(CLASSIC[7] ?? {})); // c turns out to be 3 MB: the raw ratio drops
    expect(fold.view().percent).toBe(before);
  });

  it('stays below 100 until the stream ends', () => {
    const { fold } = run(CLASSIC);
    expect(fold.view().percent).toBe(99);
  });

  it('reports per-layer bytes for Downloading and Extracting and none for finished layers', () => {
    const fold = new PullFold();
    for (const raw of CLASSIC.slice(0, 11)) fold.apply(ev(raw));
    const layers = fold.view().layers;
    expect(layers[0]).toEqual({ id: 'aaaaaaaaaaaa', status: 'Already exists', current: null, total: null });
    expect(layers[1]).toEqual({ id: 'bbbbbbbbbbbb', status: 'Extracting', current: 500_000, total: 1_000_000 });
    expect(layers[2]).toEqual({ id: 'cccccccccccc', status: 'Downloading', current: 50_000, total: 3_000_000 });
  });
});

describe('PullFold: containerd store', () => {
  it('handles hidecounts and Extracting in seconds (no total), monotone to 100', () => {
    const { fold, percents } = run(CONTAINERD);
    expect(nonDecreasing(percents)).toBe(true);
    // Both downloaded, d extracting (seconds: no bytes): phase is extracting, percent at least the 80% of downloads.
    const mid = new PullFold();
    for (const raw of CONTAINERD.slice(0, 10)) mid.apply(ev(raw));
    expect(mid.view().phase).toBe('extracting');
    expect(mid.view().percent).toBe(80);
    expect(mid.view().layers[0]).toEqual({ id: 'dddddddddddd', status: 'Extracting', current: null, total: null });
    fold.complete();
    expect(fold.view().percent).toBe(100);
    expect(fold.view().digest).toBe('sha256:2222222222222222222222222222222222222222222222222222222222222222');
  });

  it('counts Already exists layers as done and weightless', () => {
    const fold = new PullFold();
    fold.apply(ev({ status: 'Already exists', progressDetail: { hidecounts: true }, id: 'a1' }));
    fold.apply(ev({ status: 'Pulling fs layer', progressDetail: {}, id: 'b1' }));
    fold.apply(ev({ status: 'Downloading', progressDetail: { current: 500, total: 1000 }, id: 'b1' }));
    expect(fold.view().percent).toBe(40);
  });

  it('an image that is all there already goes from unknown to 100', () => {
    const fold = new PullFold();
    fold.apply(ev({ status: 'Pulling from library/alpine', id: '3.19' }));
    fold.apply(ev({ status: 'Already exists', progressDetail: { hidecounts: true }, id: 'a1' }));
    expect(fold.view().percent).toBeNull();
    fold.apply(ev({ status: 'Digest: sha256:3333333333333333333333333333333333333333333333333333333333333333' }));
    fold.apply(ev({ status: 'Status: Image is up to date for alpine:3.19' }));
    fold.complete();
    expect(fold.view().percent).toBe(100);
  });
});

describe('PullFold: errors after the 200', () => {
  it('records the errorDetail message as the failure, keeping the progress reached', () => {
    const fold = new PullFold();
    for (const raw of CLASSIC.slice(0, 8)) fold.apply(ev(raw));
    const reached = fold.view().percent;
    fold.apply(ev({ errorDetail: { message: 'unexpected EOF' }, error: 'unexpected EOF' }));
    expect(fold.failed).toBe('unexpected EOF');
    expect(fold.view().error).toBe('unexpected EOF');
    expect(fold.view().percent).toBe(reached);
  });
});

describe('RateMeter', () => {
  it('smooths the rate and gives an ETA, ignoring samples closer than the minimum interval', () => {
    const meter = new RateMeter(1000, 250);
    meter.sample(0, 0);
    expect(meter.bytesPerSecond).toBeNull();
    expect(meter.eta(1000)).toBeNull();
    meter.sample(1000, 100); // too soon: ignored
    expect(meter.bytesPerSecond).toBeNull();
    meter.sample(1000, 1000); // 1000 B/s
    expect(meter.bytesPerSecond).toBe(1000);
    meter.sample(4000, 2000); // 3000 B/s, EMA with alpha = 1 - e^-1
    const expected = 1000 + (1 - Math.exp(-1)) * 2000;
    expect(meter.bytesPerSecond).toBe(Math.round(expected));
    expect(meter.eta(10_000)).toBe(Math.ceil(10_000 / expected));
    expect(meter.eta(null)).toBeNull();
  });
});
