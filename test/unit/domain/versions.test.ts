// Versions, not digests (issue 22): which tags name the same image, what the OCI labels say, where release notes are.
import { describe, expect, it } from 'vitest';
import { noticeJson, noticeLine, noticeMessage, type UpdateNotice } from '../../../src/domain/notice';
import { orderSameAs, releaseNotesUrl, sameAs, sameAsText, versionChange, versionInfo, versionOf } from '../../../src/domain/versions';

describe('same digest, versions first', () => {
  it('orders the most specific highest version first, then the other names', () => {
    expect(orderSameAs(['mainline', '1.27', '1.27.3', '1', 'stable-alpine'])).toEqual(['1.27.3', '1.27', '1', 'mainline', 'stable-alpine']);
    expect(orderSameAs(['4', '4.24', '4.24.0'])).toEqual(['4.24.0', '4.24', '4']);
    expect(versionOf(['mainline', '1.27', '1.27.3'])).toBe('1.27.3');
    expect(versionOf(['mainline', 'stable'])).toBeNull();
  });

  it('reads the recorded Docker Hub page: latest = 4.24.0, also 4.24, 4', () => {
    // The digests of test/fixtures/vectors/hub-fixtures/hub-tags-page.json (crazymax/diun).
    const a = 'sha256:fa80af32a7c61128ffda667344547805b3c5e7721ecbbafd70e35bb7bb7c989f';
    const details = [
      { name: 'latest', digest: a },
      { name: 'edge', digest: 'sha256:469be27b882d9d29f168b89525280e595446db099244940e60a2fa5c2b8ae35b' },
      { name: '4', digest: a },
      { name: '4.24', digest: a },
      { name: '4.24.0', digest: a },
      { name: '4.22', digest: null },
    ];
    expect(sameAs(details, 'latest')).toEqual(['4.24.0', '4.24', '4']);
    expect(sameAs(details, '4.22')).toEqual([]);
    expect(sameAsText('latest', sameAs(details, 'latest'))).toBe('latest = 4.24.0, also 4.24, 4');
    expect(sameAsText('edge', [])).toBe('edge');
  });
});

describe('labels and release notes', () => {
  it('takes the version and an http(s) source, cleaned of terminal controls', () => {
    expect(versionInfo({ 'org.opencontainers.image.version': '1.27.3\u001b[2J', 'org.opencontainers.image.source': 'https://github.com/nginx/docker-nginx.git' })).toEqual({
      version: '1.27.3',
      source: 'https://github.com/nginx/docker-nginx.git',
      releaseNotes: 'https://github.com/nginx/docker-nginx/releases',
    });
    expect(versionInfo({ 'org.opencontainers.image.source': 'javascript:alert(1)' })).toEqual({ version: null, source: null, releaseNotes: null });
    expect(versionInfo({ 'org.opencontainers.image.source': 'https://user:pw@github.com/o/r' }).source).toBeNull();
    expect(versionInfo(null)).toEqual({ version: null, source: null, releaseNotes: null });
  });

  it('links GitHub and GitLab releases, nothing for other hosts', () => {
    expect(releaseNotesUrl('https://github.com/o/r/tree/main/docker')).toBe('https://github.com/o/r/releases');
    expect(versionInfo({ 'org.opencontainers.image.source': 'git@github.com:o/r.git' }).releaseNotes).toBe('https://github.com/o/r/releases');
    expect(releaseNotesUrl('https://gitlab.com/group/sub/project')).toBe('https://gitlab.com/group/sub/project/-/releases');
    expect(releaseNotesUrl('https://gitlab.example.org/g/p/-/tree/main')).toBe('https://gitlab.example.org/g/p/-/releases');
    expect(releaseNotesUrl('https://github.com/only-owner')).toBeNull();
    expect(releaseNotesUrl('https://codeberg.org/o/r')).toBeNull();
  });

  it('says the change in versions when it knows them', () => {
    expect(versionChange('1.27.2', '1.27.3')).toBe('1.27.2 → 1.27.3');
    expect(versionChange(null, '1.27.3')).toBe('→ 1.27.3');
    expect(versionChange('1.27.2', null)).toBe('1.27.2 → new image');
    expect(versionChange('1.27.3', '1.27.3')).toBe('1.27.3 (rebuilt)');
    expect(versionChange(null, null)).toBeNull();
  });
});

describe('notices', () => {
  const n = (over: Partial<UpdateNotice>): UpdateNotice => ({
    name: 'nginx',
    fullName: 'docker.io/library/nginx',
    tag: 'latest',
    id: `sha256:${'a'.repeat(64)}`,
    localDigest: `sha256:${'b'.repeat(64)}`,
    remoteDigest: `sha256:${'c'.repeat(64)}`,
    fromVersion: '1.27.2',
    toVersion: '1.27.3',
    releaseNotes: 'https://github.com/nginx/nginx/releases',
    ...over,
  });

  it('one line per image, versions when known, digests otherwise', () => {
    expect(noticeLine(n({}))).toBe('nginx:latest 1.27.2 → 1.27.3 (release notes: https://github.com/nginx/nginx/releases)');
    expect(noticeLine(n({ fromVersion: null, toVersion: null, releaseNotes: null }))).toBe(`nginx:latest new image ${'c'.repeat(12)} (was ${'b'.repeat(12)})`);
  });

  it('one message for several images, titled with the count and the host', () => {
    const m = noticeMessage([n({}), n({ name: 'redis', tag: '7', fromVersion: '7.2.4', toVersion: '7.2.5', releaseNotes: null })], 'nas');
    expect(m.title).toBe('2 image updates on nas');
    expect(m.lines).toEqual(['nginx:latest 1.27.2 → 1.27.3 (release notes: https://github.com/nginx/nginx/releases)', 'redis:7 7.2.4 → 7.2.5']);
    expect(noticeMessage([n({})], 'nas').title).toBe('Update for nginx:latest on nas');
    expect(noticeJson([n({})], 'nas', 'unix:///var/run/docker.sock')).toMatchObject({ host: 'nas', updates: [{ name: 'nginx', from_version: '1.27.2', to_version: '1.27.3' }] });
  });
});
