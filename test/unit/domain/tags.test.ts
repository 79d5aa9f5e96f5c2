// The order of tags reads plain versions (`v1`, `1.27`, `2024.06.01`) without semver: the same order as semver's
// coerce and rcompare give, for every kind of version-looking tag (the full ordering rules are in
// test/unit/services/remote/tags-inspect.test.ts).
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import type { TagDetail } from '../../../src/domain/images';
import { looksLikeVersion, orderTags, tagVersion } from '../../../src/domain/tags';

const detail = (name: string): TagDetail => ({ name, size: null, lastUpdated: null, digest: null, platforms: [] });

/** What semver makes of a tag, as tags.ts did before it read plain versions itself. */
function bySemver(tag: string): semver.SemVer | null {
  return looksLikeVersion(tag) ? semver.coerce(tag.replace(/(^v?|\.)0+(?=\d)/g, '$1')) : null;
}

const TAGS = [
  'latest', 'v0042', '0042', '1', '1.2', '1.2.3', 'v1.2.3', '1.2.3.4', '1.2.3-alpine', '1.2-rc1', '1.10', '1.9.10', '01.02.03',
  '2024.06.01', '20240601', 'v2024.6.1', '999999999999999', '9999999999999999', '99999999999999999', '1.999999999999999',
  '0', '0.0.0', '00', 'v0', '1_2', '1+build', 'stable', 'edge', 'v', 'v1.', '1..2', '3.20', '3.20.0', '3.2',
];

describe('tag versions', () => {
  it('reads the numbers semver reads', () => {
    for (const tag of TAGS) {
      const mine = tagVersion(tag);
      const theirs = bySemver(tag);
      expect(mine === null, tag).toBe(theirs === null);
      if (mine && theirs) expect([mine.major, mine.minor, mine.patch], tag).toEqual([theirs.major, theirs.minor, theirs.patch]);
    }
  });

  it('orders as semver rcompare does, ties by name', () => {
    const shuffled = [...TAGS].sort((a, b) => (a.length * 31 + a.charCodeAt(0)) % 7 - (b.length * 31 + b.charCodeAt(0)) % 7);
    const versions = shuffled.filter((t) => bySemver(t) !== null);
    const expected = [...versions].sort((a, b) => semver.rcompare(bySemver(a) as semver.SemVer, bySemver(b) as semver.SemVer) || (a < b ? -1 : a > b ? 1 : 0));
    const names = orderTags(shuffled.map(detail)).map((d) => d.name);
    expect(names[0]).toBe('latest');
    expect(names.slice(1, 1 + expected.length)).toEqual(expected);
  });
});
