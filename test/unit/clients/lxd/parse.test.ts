import { describe, expect, it } from 'vitest';
import { parseEnvelope, parseLocalImage, parseOperation, parseProducts, parseStreamsIndex } from '../../../../src/clients/lxd/parse';
import { findSocket, socketCandidates } from '../../../../src/clients/lxd/socket';

const FP = (c: string) => c.repeat(64);

const item = (ftype: string, extra: Record<string, unknown> = {}) => ({ ftype, path: `images/x/${ftype}`, sha256: FP('e'), size: 100, ...extra });

describe('simplestreams products', () => {
  const products = {
    products: {
      'alpine:3.20:amd64:default': {
        aliases: 'alpine/3.20,alpine/3.20/default',
        arch: 'amd64',
        os: 'Alpine',
        release: '3.20',
        release_title: '3.20',
        variant: 'default',
        versions: {
          '20240101_13:00': { items: { meta: item('lxd.tar.xz', { combined_squashfs_sha256: FP('a') }), root: item('squashfs', { size: 1000 }) } },
          '20240301_13:00': { items: { meta: item('lxd.tar.xz', { combined_rootxz_sha256: FP('b') }), root: item('root.tar.xz', { size: 2000 }) } },
          // no date in the serial: LXD skips it
          latest: { items: { meta: item('lxd.tar.xz', { combined_squashfs_sha256: FP('c') }), root: item('squashfs') } },
        },
      },
      'alpine:3.20:arm64:default': {
        aliases: 'alpine/3.20',
        arch: 'arm64',
        os: 'Alpine',
        release: '3.20',
        variant: 'default',
        versions: { '20240301_13:00': { items: { c: item('lxd_combined.tar.gz', { sha256: FP('d'), size: 5 }) } } },
      },
      'ubuntu:noble:amd64:default': {
        aliases: 'ubuntu/noble',
        arch: 'amd64',
        os: 'Ubuntu',
        release: 'noble',
        variant: 'default',
        versions: { '20240301_13:00': { items: { meta: item('lxd.tar.xz', { 'combined_disk-kvm-img_sha256': FP('f') }), disk: item('disk-kvm.img') } } },
      },
      'evil:1:amd64:default': {
        aliases: 'evil/\u001b[31mred',
        arch: 'amd64',
        os: 'Evil\u001b]0;title\u0007',
        release: '1',
        variant: 'default',
        versions: { '20240301_13:00': { items: { meta: item('lxd.tar.xz', { combined_squashfs_sha256: FP('9') }), root: item('squashfs') } } },
      },
    },
  };

  it('keeps container images only, newest serial first, fingerprints from the combined hashes', () => {
    const list = parseProducts(products);
    expect(list.map((p) => p.id)).toEqual(['alpine:3.20:amd64:default', 'alpine:3.20:arm64:default', 'evil:1:amd64:default']);
    const amd = list[0];
    expect(amd?.architecture).toBe('x86_64');
    expect(amd?.aliases).toEqual(['alpine/3.20', 'alpine/3.20/default']);
    expect(amd?.versions.map((v) => [v.serial, v.fingerprint, v.size, v.created])).toEqual([
      ['20240301_13:00', FP('b'), 2100, '2024-03-01T00:00:00.000Z'],
      ['20240101_13:00', FP('a'), 1100, '2024-01-01T00:00:00.000Z'],
    ]);
    expect(list[1]?.architecture).toBe('aarch64');
    expect(list[1]?.versions[0]?.fingerprint).toBe(FP('d'));
  });

  it('strips terminal controls from remote text', () => {
    const evil = parseProducts(products).find((p) => p.id.startsWith('evil'));
    expect(evil?.os).toBe('Evil');
    expect(evil?.aliases).toEqual(['evil/red']);
  });

  it('reads the index: image-downloads entries with relative paths only', () => {
    expect(
      parseStreamsIndex({
        index: {
          a: { datatype: 'image-downloads', path: 'streams/v1/images.json' },
          b: { datatype: 'image-ids', path: 'streams/v1/ids.json' },
          c: { datatype: 'image-downloads', path: 'https://elsewhere.example/x.json' },
          d: { datatype: 'image-downloads', path: '../../etc/passwd' },
        },
      }),
    ).toEqual(['streams/v1/images.json']);
    expect(parseProducts('<html>')).toEqual([]);
  });
});

describe('LXD answers', () => {
  it('reads sync, async and error envelopes', () => {
    expect(parseEnvelope({ type: 'sync', status_code: 200, metadata: [1] })).toEqual({ type: 'sync', statusCode: 200, metadata: [1] });
    expect(parseEnvelope({ type: 'async', status_code: 100, operation: '/1.0/operations/x' })).toMatchObject({ type: 'async', operation: '/1.0/operations/x' });
    expect(parseEnvelope({ type: 'error', error_code: 404, error: 'Image not found' })).toEqual({ type: 'error', errorCode: 404, error: 'Image not found' });
    expect(parseEnvelope({ type: 'what' })).toBeNull();
  });

  it('reads an image and an operation', () => {
    const image = parseLocalImage({
      fingerprint: FP('a'),
      aliases: [{ name: 'tiny/1.0' }, { nope: 1 }],
      architecture: 'x86_64',
      properties: { os: 'tinyos', release: '1.0', variant: 'default', description: 'tiny', serial: '20240101_00:00' },
      size: 387,
      type: 'container',
      created_at: '2023-11-14T22:13:20Z',
      uploaded_at: '2026-11-30T22:21:42.720823413Z',
    });
    expect(image).toMatchObject({ aliases: ['tiny/1.0'], os: 'tinyos', serial: '20240101_00:00', size: 387, created: '2023-11-14T22:13:20.000Z', kind: 'container' });
    expect(parseLocalImage({ fingerprint: 'short' })).toBeNull();
    expect(parseOperation({ id: 'x', status: 'Running', status_code: 103, may_cancel: true, metadata: { download_progress: 'rootfs: 5% (1MB/s)', n: 3 } })).toEqual({
      id: 'x',
      status: 'Running',
      statusCode: 103,
      err: '',
      mayCancel: true,
      metadata: { download_progress: 'rootfs: 5% (1MB/s)', n: '3' },
    });
  });
});

describe('socket discovery', () => {
  it('uses LXD_DIR / INCUS_DIR when set, else the usual places', () => {
    expect(socketCandidates({ LXD_DIR: '/x' })).toEqual(['/x/unix.socket']);
    expect(socketCandidates({ INCUS_DIR: '/y' })).toEqual(['/y/unix.socket']);
    expect(socketCandidates({})).toEqual(['/var/lib/lxd/unix.socket', '/var/snap/lxd/common/lxd/unix.socket', '/var/lib/incus/unix.socket', '/run/incus/unix.socket']);
    expect(findSocket({}, (p) => p.includes('incus'))).toEqual({ path: '/var/lib/incus/unix.socket', looked: socketCandidates({}) });
  });
});
