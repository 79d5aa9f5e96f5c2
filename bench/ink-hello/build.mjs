// Bundles bench/ink-hello/hello.jsx the way scripts/build.mjs bundles stevedore (esbuild, ESM, node20,
// minified, NODE_ENV=production, react-devtools-core aliased to the empty module, the same bundle
// patches and `require` banner), so the comparison differs from the app only in what the app does.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { commonOptions } from '../../scripts/esbuild-common.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the hello into outDir/hello.js and returns that path. */
export async function buildInkHello(outDir) {
  await esbuild.build({ ...commonOptions, absWorkingDir: root, entryPoints: { hello: 'bench/ink-hello/hello.jsx' }, outdir: outDir });
  return `${outDir}/hello.js`;
}
