// The nouns' help index (src/commands/program.ts, HelpIndex): what `stevedore --help` shows of each noun, asked
// of the program itself (`stevedore __help-index`, every noun's module loaded) from a bundle made for the
// purpose, so that the bundles (build.mjs, build-bin.mjs) carry it and their --help loads no noun.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commonOptions, dropAjv } from './esbuild-common.mjs';

export async function helpIndex(root) {
  const dir = mkdtempSync(join(tmpdir(), 'stevedore-help-index-'));
  try {
    await esbuild.build({
      ...commonOptions,
      absWorkingDir: root,
      entryPoints: { cli: 'src/cli.tsx' },
      outdir: dir,
      minify: false,
      plugins: [dropAjv, ...commonOptions.plugins],
    });
    const env = { PATH: process.env.PATH, HOME: dir, STEVEDORE_CONFIG_DIR: join(dir, 'config') };
    const index = JSON.parse(execFileSync(process.execPath, [join(dir, 'cli.js'), '__help-index'], { env, encoding: 'utf8' }));
    if (!Array.isArray(index.nouns) || index.nouns.length === 0) throw new Error(`stevedore __help-index printed no nouns: ${JSON.stringify(index)}`);
    return index;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
