// The esbuild options every bundle of stevedore shares: the app (scripts/build.mjs) and the Ink "hello"
// it is benchmarked against (bench/ink-hello/build.mjs), so the two differ only in what they do.
import { fileURLToPath } from 'node:url';
import { bundlePatches } from './bundle-patches.mjs';

export const emptyModule = fileURLToPath(new URL('./empty-module.cjs', import.meta.url));

/**
 * Ink loads its React devtools bridge (./devtools.js: react-devtools-core, and ws for its WebSocket) only when
 * DEV=true. react-devtools-core is not bundled (below), so the bridge could never connect from the bundle: it
 * becomes the empty module, which also keeps ws and its optional native add-ons out.
 */
const noInkDevtools = {
  name: 'no-ink-devtools',
  setup(build) {
    build.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) => (/[\\/]ink[\\/]build[\\/]/.test(args.importer) ? { path: emptyModule } : undefined));
  },
};

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
  plugins: [noInkDevtools, bundlePatches],
  logLevel: 'warning',
};
