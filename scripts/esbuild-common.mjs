// The esbuild options every bundle of stevedore shares: the app (scripts/build.mjs) and the Ink "hello"
// it is benchmarked against (bench/ink-hello/build.mjs), so the two differ only in what they do.
import { builtinModules, createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { bundlePatches } from './bundle-patches.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

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

const noSchemaValidator = fileURLToPath(new URL('./no-schema-validator.mjs', import.meta.url));

/** conf's schema validator (ajv) is never used by stevedore: keep it out of the bundle. */
export const dropAjv = {
  name: 'drop-ajv',
  setup(build) {
    build.onResolve({ filter: /^ajv(?:-formats)?(?:\/.*)?$/ }, () => ({ path: noSchemaValidator }));
  },
};
// Built-ins that exist only with the node: prefix (and only on newer Nodes: undici loads node:sqlite for its
// optional SQLite cache, which stevedore does not use) are not all in builtinModules on Node 20.
const prefixOnly = ['node:sqlite', 'node:sea', 'node:test', 'node:test/reporters'];
const builtins = new Set([...builtinModules.flatMap((m) => [m, `node:${m}`]), ...prefixOnly]);
/**
 * Fails the build when an output still imports something that is not a Node built-in: the package ships no
 * node_modules, so such an import would throw on a user's machine (a library whose optional native part is
 * needed goes into `alias` above as the empty module, with the reason).
 */
export function assertSelfContained(metafile) {
  const leftOut = new Set();
  for (const [file, output] of Object.entries(metafile.outputs)) {
    for (const imp of output.imports) {
      if (imp.external && !builtins.has(imp.path)) leftOut.add(`${imp.path} (imported by ${file})`);
    }
  }
  if (leftOut.size > 0) {
    throw new Error(`the bundle must be self-contained (no runtime dependencies), but these stay outside it:\n  ${[...leftOut].join('\n  ')}`);
  }
}

const noUndiciH2Module = fileURLToPath(new URL('./undici-no-h2.cjs', import.meta.url));
/** undici's HTTP/2 client is never used (see undici-no-h2.cjs). */
const noUndiciH2 = {
  name: 'no-undici-h2',
  setup(build) {
    build.onResolve({ filter: /^\.\/client-h2\.js$/ }, (args) => (/[\\/]undici[\\/]lib[\\/]dispatcher[\\/]/.test(args.importer) ? { path: noUndiciH2Module } : undefined));
  },
};

/**
 * React and its JSX runtime are CommonJS. esbuild gives every ES module that imports a CommonJS package its own
 * copy of the package's exports, as getters (React: ~50 per importer, imported by ~50 files of stevedore and
 * Ink): thousands of closures made and compiled at every start of the app. Imported through one ES module
 * that re-exports their names (read from the packages here), they are read once.
 */
const CJS_FACADES = ['react', 'react/jsx-runtime'];
const cjsFacades = {
  name: 'cjs-facades',
  setup(build) {
    const require = createRequire(import.meta.url);
    const filter = new RegExp(`^(${CJS_FACADES.map((p) => p.replace('/', '\\/')).join('|')})$`);
    build.onResolve({ filter }, async (args) => {
      if (args.kind !== 'import-statement' || args.namespace === 'cjs-facade') return undefined;
      const real = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: 'require-call', namespace: 'cjs-facade' });
      if (real.errors.length) return { errors: real.errors };
      return { path: real.path, namespace: 'cjs-facade', pluginData: { name: args.path } };
    });
    build.onLoad({ filter: /.*/, namespace: 'cjs-facade' }, (args) => {
      const previous = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      let names;
      try {
        names = Object.keys(require(args.path)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
      } finally {
        if (previous === undefined) delete process.env.NODE_ENV;
        else process.env.NODE_ENV = previous;
      }
      return {
        loader: 'js',
        resolveDir: root,
        contents: `import cjs from ${JSON.stringify(args.path)};\nexport default cjs;\nexport const { ${names.join(', ')} } = cjs;\n`,
      };
    });
  },
};

/**
 * Modules a dependency imports when it loads but uses only on paths stevedore never or rarely takes (commander:
 * executable subcommands; conf: encryption, migrations). Loading them costs milliseconds at every start
 * (child_process pulls in net, dgram…; semver builds ~50 regular expressions), so these importers get a proxy
 * that loads the real module on first use instead. (Other importers get the module itself: the same instance.)
 * src/domain/versions.ts too: the image commands import it, but only tags and updates order versions with semver.
 */
const LAZY_IMPORTS = [
  { spec: 'node:child_process', importer: /[\\/]node_modules[\\/]commander[\\/]/ },
  { spec: 'node:crypto', importer: /[\\/]node_modules[\\/]conf[\\/]/ },
  { spec: 'node:assert', importer: /[\\/]node_modules[\\/]conf[\\/]/ },
  { spec: 'semver', importer: /[\\/]node_modules[\\/]conf[\\/]/ },
  { spec: 'semver', importer: /[\\/]src[\\/]domain[\\/]versions\.ts$/ },
];
const lazyImports = {
  name: 'lazy-imports',
  setup(build) {
    const specs = [...new Set(LAZY_IMPORTS.map((l) => l.spec))];
    const filter = new RegExp(`^(${specs.map((s) => s.replace(/[/.]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, async (args) => {
      if (args.namespace === 'lazy-import' || !LAZY_IMPORTS.some((l) => l.spec === args.path && l.importer.test(args.importer))) return undefined;
      // A built-in is required as it is; a package by the path its importer would get.
      let target = args.path;
      if (!args.path.startsWith('node:')) {
        const real = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: 'require-call', namespace: 'lazy-import' });
        if (real.errors.length) return { errors: real.errors };
        target = real.path;
      }
      return { path: args.path, namespace: 'lazy-import', pluginData: { target } };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-import' }, (args) => ({
      loader: 'js',
      resolveDir: root,
      contents: `let real;
const load = () => (real ??= require(${JSON.stringify(args.pluginData.target)}));
module.exports = new Proxy({}, {
  get: (_, key) => (key === '__esModule' ? false : Reflect.get(load(), key)),
  has: (_, key) => Reflect.has(load(), key),
});`,
    }));
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
  plugins: [noInkDevtools, noUndiciH2, cjsFacades, lazyImports, bundlePatches],
  logLevel: 'warning',
};
