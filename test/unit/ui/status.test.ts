// The status line says what its numbers count, and keeps saying it on a narrow terminal.
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../../src/domain/text';
import { fitStatus, statusParts } from '../../../src/ui/components/StatusBar';

const engine = { reachable: true, host: 'unix:///dev/shm/sdw-J6vpJm/d.sock', imagesSize: 1_220_000, version: '20.10', error: null } as const;
const rate = { limit: 180, remaining: 177, resetAt: null };
const line = (width: number, downloads = '', separator = ' · ', ellipsis = '…') =>
  fitStatus(statusParts(engine as never, rate, downloads, ellipsis), width, separator, ellipsis)
    .map((p) => p.text)
    .join('');

describe('the status line', () => {
  it('says what the Docker Hub numbers count', () => {
    expect(line(100)).toBe('engine unix:///dev/shm/sdw-J6vpJm/d.sock · images 1.22 MB · Docker Hub pulls left: 177 of 180');
  });

  it('says it shorter at 80 columns, then cuts the engine address in the middle, then leaves the images size out', () => {
    expect(line(80)).toBe('engine unix:///dev…/sdw-J6vpJm/d.sock · images 1.22 MB · Hub pulls left: 177/180');
    const busy = line(80, '↓ 1 downloading 5% · 1 failed');
    expect(busy).toBe('engine unix:…Jm/d.sock · Hub pulls left: 177/180 · ↓ 1 downloading 5% · 1 failed');
    expect(displayWidth(busy)).toBeLessThanOrEqual(80);
    const narrow = line(70, '↓ 1 downloading 5% · 1 failed');
    expect(narrow).not.toContain('images');
    expect(narrow).toContain('Hub pulls left: 177/180 · ↓ 1 downloading 5%');
    expect(displayWidth(narrow)).toBeLessThanOrEqual(70);
  });

  it('is plain ASCII with the ASCII separator and ellipsis', () => {
    const text = line(80, 'v 1 downloading 5% | 1 failed', ' | ', '...');
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(text).toContain('Hub pulls left: 177/180');
  });
});
