// Bundles bench/ink-hello/hello.jsx the way scripts/build.mjs bundles stevedore (esbuild, ESM, node20,
// minified, NODE_ENV=production, react-devtools-core aliased to the empty module, the same bundle
// patches and `require` banner), so the comparison differs from the app only in what the app does.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { bundlePatches } from '../../scripts/bundle-patches.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const empty = fileURLToPath(new URL('../../scripts/empty-module.cjs', import.meta.url));

/** Builds the hello into outDir/hello.js and returns that path. */
export async function buildInkHello(outDir) {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { hello: 'bench/ink-hello/hello.jsx' },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    chunkNames: 'chunks/[name]-[hash]',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    alias: { 'react-devtools-core': empty },
    banner: {
      js: "import { createRequire as __stevedoreRequire } from 'node:module'; const require = __stevedoreRequire(import.meta.url);",
    },
    plugins: [bundlePatches],
    logLevel: 'warning',
  });
  return `${outDir}/hello.js`;
}
