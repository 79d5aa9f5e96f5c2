// What `watch` prints (issue 22): nothing on a quiet `--once` round (cron mails only news), the notice itself when
// no notifier is set up, a line per notifier that took it; one JSON line per round.
import { describe, expect, it } from 'vitest';
import { roundJson, roundLines } from '../../../src/commands/watch';
import type { UpdateNotice } from '../../../src/domain/notice';
import type { WatchRound } from '../../../src/services/updates/watch';

const notice: UpdateNotice = {
  name: 'nginx',
  fullName: 'docker.io/library/nginx',
  tag: 'latest',
  id: `sha256:${'a'.repeat(64)}`,
  localDigest: `sha256:${'b'.repeat(64)}`,
  remoteDigest: `sha256:${'c'.repeat(64)}`,
  fromVersion: '1.27.2',
  toVersion: '1.27.3',
  releaseNotes: null,
};
const round = (deliveries: WatchRound['deliveries']): WatchRound => ({
  at: '2031-01-01T00:00:00.000Z',
  engine: 'unix:///var/run/docker.sock',
  checked: 12,
  updates: deliveries.length ? 1 : 0,
  notices: deliveries.length ? [notice] : [],
  deliveries,
  notes: [],
  requests: { head: 12, get: 0, tagLists: 3 },
});

describe('watch output', () => {
  it('--once is quiet when nothing is new; the loop says a line per round', () => {
    expect(roundLines(round([]), 'nas', { quiet: true })).toEqual([]);
    expect(roundLines(round([]), 'nas', { quiet: false })).toEqual(['2031-01-01T00:00:00.000Z checked 12 tags: 0 with an update, 0 new (12 HEAD, 0 GET)']);
  });

  it('without a notifier the notice itself goes to stdout, with how to set one up', () => {
    expect(roundLines(round([{ notifier: '-', kind: 'stdout', notices: [notice], error: null }]), 'nas', { quiet: true })).toEqual([
      'Update for nginx:latest on nas',
      '  nginx:latest 1.27.2 → 1.27.3',
      '(no notifier is set up: `stevedore notify add` sends these to a webhook or by mail)',
    ]);
  });

  it('a line per notifier that took it (failures go to stderr, not here); JSON per round', () => {
    const r = round([
      { notifier: 'hook', kind: 'webhook', notices: [notice], error: null },
      { notifier: 'mail', kind: 'smtp', notices: [notice], error: 'mail.example.org:587 refused the login' },
    ]);
    expect(roundLines(r, 'nas', { quiet: true })).toEqual(['told hook (webhook) about 1 image: nginx:latest']);
    expect(roundJson(r)).toMatchObject({
      event: 'round',
      requests: { head: 12, get: 0, tag_lists: 3 },
      notices: [{ name: 'nginx', from_version: '1.27.2', to_version: '1.27.3' }],
      deliveries: [
        { notifier: 'hook', notices: 1, error: null },
        { notifier: 'mail', notices: 1, error: 'mail.example.org:587 refused the login' },
      ],
    });
  });
});
