// The esbuild options every bundle of stevedore shares: the app (scripts/build.mjs) and the Ink "hello"
// it is benchmarked against (bench/ink-hello/build.mjs), so the two differ only in what they do.
import { fileURLToPath } from 'node:url';
import { bundlePatches } from './bundle-patches.mjs';

export const emptyModule = fileURLToPath(new URL('./empty-module.cjs', import.meta.url));

export const commonOptions = {
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
  // Ink imports its devtools hook statically; it is never used at run time.
  alias: { 'react-devtools-core': emptyModule },
  banner: {
    js: "import { createRequire as __stevedoreRequire } from 'node:module'; const require = __stevedoreRequire(import.meta.url);",
  },
  plugins: [bundlePatches],
  logLevel: 'warning',
};
