import { describe, expect, it } from 'vitest';
import { hasVersionShape, newerTags } from '../../../src/domain/updates';

describe('newer versions of a tag', () => {
  it('lists higher versions of the same shape, highest first, at most five', () => {
    const tags = ['1.27.2', '1.27.3', '1.27.4', '1.28.0', '1.28', '1.28.0-alpine', 'latest', '2.0.0', '1.30.1', '1.29.0', '1.31.0', 'v1.40.0'];
    expect(newerTags('1.27.3', tags)).toEqual(['2.0.0', '1.31.0', '1.30.1', '1.29.0', '1.28.0']);
    expect(newerTags('1.27.3', tags, 10)).toEqual(['2.0.0', '1.31.0', '1.30.1', '1.29.0', '1.28.0', '1.27.4']);
  });

  it('keeps the suffix and the number of parts: 16-alpine → 17-alpine, not 17 or 17-bookworm', () => {
    expect(newerTags('16-alpine', ['15-alpine', '16-alpine', '17-alpine', '17', '17-bookworm', '18-alpine', '16.1-alpine'])).toEqual(['18-alpine', '17-alpine']);
  });

  it('orders by number, not by text: 1.10 is above 1.9; 1.0 → 1.1 but not 2.0-alpine', () => {
    expect(newerTags('1.2', ['1.9', '1.10', '1.3'])).toEqual(['1.10', '1.9', '1.3']);
    expect(newerTags('1.0', ['1.0', '1.1', '2.0-alpine'])).toEqual(['1.1']);
  });

  it('has nothing for latest or names without a version', () => {
    expect(newerTags('latest', ['1.0', '2.0'])).toEqual([]);
    expect(newerTags('stable', ['1.0'])).toEqual([]);
    expect(hasVersionShape('latest')).toBe(false);
    expect(hasVersionShape('3.19')).toBe(true);
  });

  it('takes semver order for semver tags, v prefix kept apart', () => {
    expect(newerTags('v1.2.3', ['v1.2.10', 'v1.10.0', '1.9.9', 'v1.2.3'])).toEqual(['v1.10.0', 'v1.2.10']);
  });
});
