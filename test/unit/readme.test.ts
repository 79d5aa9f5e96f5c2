import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markdownKeyTable } from '../../src/ui/keys/help';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('shows the key table generated from the code (npm run docs:keys)', () => {
    const start = readme.indexOf('<!-- keys:start -->');
    const end = readme.indexOf('<!-- keys:end -->');
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start + '<!-- keys:start -->'.length, end).trim()).toBe(markdownKeyTable());
  });

  it('shows the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
