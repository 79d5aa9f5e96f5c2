// `config set catalog`: a relative path is saved as the absolute path it names; a file that is not there is
// saved but said at once (not first on the Selected tab).
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers';
import { runCli } from './cliHarness';

const folder = (): string => tempDir('sd-config-');

describe('config set catalog', () => {
  it('warns about a file that is not there, saves it as an absolute path, exit 0', async () => {
    const dir = folder();
    const r = await runCli(dir, ['config', 'set', 'catalog', 'no-such-catalog.json']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`catalog = ${resolve('no-such-catalog.json')}`);
    expect(r.stderr).toMatch(/^warning: the catalog file .*no-such-catalog\.json is not there or not readable/);
  });

  it('says nothing more for a readable file or a URL', async () => {
    const dir = folder();
    const file = join(dir, 'catalog.json');
    writeFileSync(file, '{"version":1,"images":[]}');
    const r = await runCli(dir, ['config', 'set', 'catalog', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const url = await runCli(dir, ['config', 'set', 'catalog', 'https://example.com/catalog.json', '--json']);
    expect(url.json()).toEqual({ key: 'catalog', value: 'https://example.com/catalog.json' });
  });
});
