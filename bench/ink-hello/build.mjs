// Bundles bench/ink-hello/hello.jsx the way scripts/build.mjs bundles stevedore (esbuild, ESM, node20,
// minified, NODE_ENV=production, react-devtools-core aliased to the empty module, the same bundle
// patches and `require` banner), so the comparison differs from the app only in what the app does; and as a
// single file the way scripts/build-bin.mjs makes stevedore's (CommonJS, a startup snapshot holding Ink).
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commonOptions } from '../../scripts/esbuild-common.mjs';
import { makeSea, resolveFrom } from '../../scripts/sea.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the hello into outDir/hello.js and returns that path. */
export async function buildInkHello(outDir) {
  await esbuild.build({ ...commonOptions, absWorkingDir: root, entryPoints: { hello: 'bench/ink-hello/hello.jsx' }, outdir: outDir });
  return `${outDir}/hello.js`;
}

/** Builds the hello as a single file for this machine into outDir/hello-linux-ARCH and returns that path. */
export async function buildInkHelloBin(outDir) {
  mkdirSync(outDir, { recursive: true });
  const script = `${outDir}/hello-sea.cjs`;
  await esbuild.build({
    ...commonOptions,
    absWorkingDir: root,
    entryPoints: ['bench/ink-hello/sea-entry.mjs'],
    outfile: script,
    outdir: undefined,
    chunkNames: undefined,
    splitting: false,
    format: 'cjs',
    target: 'node24',
    banner: {},
    plugins: [resolveFrom(root), ...commonOptions.plugins],
  });
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  const out = `${outDir}/hello-linux-${arch}`;
  await makeSea({ arch, script, out, work: outDir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: outDir } });
  return out;
}
