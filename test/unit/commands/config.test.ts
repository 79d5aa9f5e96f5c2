// `config set catalog`: a relative path is saved as the absolute path it names; a file that is not there is
// saved but said at once (not first on the Selected tab).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './cliHarness';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'sd-config-'));
  dirs.push(d);
  return d;
}

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
