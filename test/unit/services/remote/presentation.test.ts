// The pure presentation of src/views/remote.ts and src/views/registries.ts: DESIGN.md's --json shapes per category, tags,
// remote inspect and repositories; human tables with every remote string free of escape sequences.
import { describe, expect, it } from 'vitest';
import { canonicalCategory, type RemoteCategory, type RemoteImage, type RemoteInspect, type TagList } from '../../../../src/domain/images';
import { repoJson, repoLines } from '../../../../src/views/registries';
import { checkImageType, remoteInspectJson, remoteInspectLines, remoteListJson as listJson, remoteListLines, tagsJson, tagsLines } from '../../../../src/views/remote';

const remoteListJson = (category: RemoteCategory, filterText: string, type: string, results: RemoteImage[], warnings: string[]) =>
  listJson({ category, filterText, type, results, warnings, truncated: false });

const EVIL = 'evil \u001b]0;pwned\u0007\u001b[2Jtext\u009b31m';

const base = { fullName: 'docker.io/library/x', installed: false as boolean | null, downloading: false };
const selected: RemoteImage = { ...base, name: 'jellyfin/jellyfin', description: 'Media', location: 'https://hub.docker.com/r/jellyfin/jellyfin', source: 'selected', title: 'Jellyfin', version: '10.10.7', arch: ['amd64', 'arm64'], group: 'Media', installed: true };
const official: RemoteImage = { ...base, name: 'redis', description: EVIL, location: 'https://hub.docker.com/_/redis', source: 'dockerhub', title: 'redis', version: 'latest', starCount: 12, isOfficial: true, installed: null };
const hub: RemoteImage = { ...base, name: 'crazymax/diun', description: 'd', location: 'https://hub.docker.com/r/crazymax/diun', source: 'dockerhub', starCount: 3, isOfficial: false, isTrusted: false, downloading: true };
const priv: RemoteImage = { ...base, name: '127.0.0.1:5000/team/app', description: '', location: 'http://127.0.0.1:5000/team/app', source: { registry: 'lab' } };

describe('image list --json', () => {
  it('has the envelope and, per category, exactly the fields DESIGN.md lists', () => {
    const out = remoteListJson('selected', 'jelly', '', [selected], ['w']);
    expect(Object.keys(out)).toEqual(['category', 'filter_text', 'type', 'results', 'total_count', 'warnings']);
    expect(out).toMatchObject({ category: 'selected', filter_text: 'jelly', type: '', total_count: 1, warnings: ['w'] });
    expect(out.results[0]).toEqual({ name: 'jellyfin/jellyfin', installed: true, downloading: false, repository: 'selected', type: 'docker', title: 'Jellyfin', description: 'Media', version: '10.10.7', arch: ['amd64', 'arm64'], group: 'Media', location: 'https://hub.docker.com/r/jellyfin/jellyfin' });
    expect(Object.keys(remoteListJson('official', '', '', [official], []).results[0] ?? {})).toEqual(['name', 'installed', 'downloading', 'repository', 'type', 'title', 'description', 'version', 'star_count', 'location']);
    expect(remoteListJson('dockerhub', 'x', 'docker', [hub], []).results[0]).toEqual({ name: 'crazymax/diun', installed: false, downloading: true, repository: 'dockerhub', type: 'docker', description: 'd', star_count: 3, is_official: false, is_trusted: false, location: 'https://hub.docker.com/r/crazymax/diun' });
    expect(remoteListJson('private', '', '', [priv], []).results[0]).toEqual({ name: '127.0.0.1:5000/team/app', installed: false, downloading: false, repository: 'lab', type: 'docker', location: 'http://127.0.0.1:5000/team/app' });
  });

  it('qnap means selected; --type lxc is a 501; another type a 400', () => {
    expect(canonicalCategory('QNAP')).toBe('selected');
    expect(checkImageType(undefined)).toBe('');
    expect(checkImageType('docker')).toBe('docker');
    expect(() => checkImageType('lxc')).toThrow('LXC images are listed, inspected and pulled with --type lxc');
    try {
      checkImageType('lxc');
    } catch (e) {
      expect((e as { code: number }).code).toBe(501);
    }
    expect(() => checkImageType('vm')).toThrow(/--type must be/);
  });

  it('human tables show marks and strip escape sequences from remote text', () => {
    const lines = remoteListLines('official', [official], 200);
    expect(lines[0]).toMatch(/^NAME\s+STARS\s+INSTALLED\s+DESCRIPTION$/);
    expect(lines[1]).toMatch(/^redis\s+12\s+\?\s+evil text$/);
    expect(lines.join('\n')).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(remoteListLines('dockerhub', [hub])[1]).toContain('downloading');
    expect(remoteListLines('private', [])).toEqual(['no images found']);
  });
});

describe('image tags', () => {
  const list: TagList = {
    name: 'redis',
    fullName: 'docker.io/library/redis',
    installed: ['7'],
    tags: ['latest', '7'],
    details: [
      { name: 'latest', size: 45_000_000, lastUpdated: '2024-06-02T00:00:00Z', digest: 'sha256:bb', platforms: ['linux/amd64', 'linux/arm64/v8'] },
      { name: '7', size: null, lastUpdated: null, digest: null, platforms: [] },
    ],
  };

  it('json: name, installed, tags, and details where the registry told something', () => {
    expect(tagsJson(list)).toEqual({ name: 'redis', installed: ['7'], tags: ['latest', '7'], details: [{ name: 'latest', size: 45_000_000, last_updated: '2024-06-02T00:00:00Z', digest: 'sha256:bb', platforms: ['linux/amd64', 'linux/arm64/v8'], same_as: [] }], warnings: [] });
  });

  it('table: size and age when known', () => {
    const lines = tagsLines(list, new Date('2024-06-05T00:00:00Z'), 200);
    expect(lines[0]).toMatch(/^TAG\s+SIZE\s+UPDATED\s+INSTALLED\s+PLATFORMS$/);
    expect(lines[1]).toMatch(/^latest\s+45 MB\s+3 days ago\s+-\s+linux\/amd64, linux\/arm64\/v8$/);
    expect(lines[2]).toMatch(/^7\s+-\s+-\s+yes\s+-$/);
  });
});

describe('image inspect --remote', () => {
  const r: RemoteInspect = {
    name: 'team/app',
    tag: '1.0',
    digest: 'sha256:index',
    manifestDigest: 'sha256:child',
    platform: 'linux/arm64/v8',
    platforms: ['linux/amd64', 'linux/arm64/v8'],
    mediaType: 'application/vnd.oci.image.index.v1+json',
    created: '2024-05-01T10:00:00Z',
    architecture: 'arm64',
    os: 'linux',
    variant: 'v8',
    config: { cmd: ['--serve'], entrypoint: ['/app'], env: ['A=1'], exposedPorts: ['8080/tcp'], labels: { title: `x${EVIL}` }, workingDir: '/data', user: '1000' },
    layers: [{ digest: 'sha256:l1', size: 1000, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }],
    size: 1500,
  };

  it('json: the DESIGN.md fields, Docker-shaped ExposedPorts', () => {
    const j = remoteInspectJson(r);
    expect(Object.keys(j)).toEqual(['Name', 'Tag', 'Digest', 'ManifestDigest', 'Platform', 'Platforms', 'MediaType', 'Created', 'Architecture', 'Os', 'Variant', 'Config', 'Layers', 'Size']);
    expect(j.Config).toMatchObject({ Cmd: ['--serve'], Entrypoint: ['/app'], Env: ['A=1'], ExposedPorts: { '8080/tcp': {} }, WorkingDir: '/data', User: '1000' });
    expect(j.Layers).toEqual([{ Digest: 'sha256:l1', Size: 1000, MediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }]);
  });

  it('human lines are sanitised', () => {
    const text = remoteInspectLines(r, new Date('2024-05-02T10:00:00Z'), 120).join('\n');
    expect(text).toContain('Digest:          sha256:index');
    expect(text).toContain('Manifest digest: sha256:child');
    expect(text).toContain('title=xevil text');
    expect(text).not.toMatch(/[\u001b\u0007\u009b]/);
  });
});

describe('repo', () => {
  it('json {name, registry, in_use}; show adds the user name, never a password', () => {
    expect(repoJson({ name: 'r:5000/a', registry: null, inUse: false })).toEqual({ name: 'r:5000/a', registry: null, in_use: false });
    expect(repoJson({ name: 'r:5000/a', registry: 'lab', inUse: true, username: 'bob' })).toEqual({ name: 'r:5000/a', registry: 'lab', in_use: true, username: 'bob' });
    expect(repoLines([{ name: 'r:5000/a', registry: null, inUse: true }])[1]).toMatch(/^r:5000\/a\s+-\s+yes$/);
  });
});
