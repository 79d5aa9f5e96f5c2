// Bundles src/cli.tsx into dist/cli.js (the `stevedore` bin) with esbuild.
// The entry stays small: heavy modules (ink/react, undici) are imported lazily
// and land in chunks beside it, so `stevedore --help` does not parse them.
// The bundle is self-contained: the published package has no runtime dependencies (every library is a
// devDependency), so an import left outside the bundle fails the build (see assertSelfContained).
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { commonOptions } from './esbuild-common.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const noSchemaValidator = fileURLToPath(new URL('./no-schema-validator.mjs', import.meta.url));

/** conf's schema validator (ajv) is never used by stevedore: keep it out of the bundle. */
const dropAjv = {
  name: 'drop-ajv',
  setup(build) {
    build.onResolve({ filter: /^ajv(?:-formats)?(?:\/.*)?$/ }, () => ({ path: noSchemaValidator }));
  },
};
/**
 * Node built-ins that a dependency imports at load time but uses only on paths stevedore never or
 * rarely takes (commander: executable subcommands; conf: encryption, migrations). Loading them
 * costs milliseconds at every start (child_process pulls in net, dgram…), so these importers get a
 * proxy that loads the real module on first use instead.
 */
const LAZY_BUILTINS = {
  'node:child_process': /[\\/]node_modules[\\/]commander[\\/]/,
  'node:crypto': /[\\/]node_modules[\\/]conf[\\/]/,
  'node:assert': /[\\/]node_modules[\\/]conf[\\/]/,
};
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    build.onResolve({ filter: /^node:(child_process|crypto|assert)$/ }, (args) => {
      const importers = LAZY_BUILTINS[args.path];
      if (!importers || !importers.test(args.importer)) return undefined;
      return { path: args.path, namespace: 'lazy-builtin' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      loader: 'js',
      contents: `let real;
const load = () => (real ??= require(${JSON.stringify(args.path)}));
module.exports = new Proxy({}, {
  get: (_, key) => (key === '__esModule' ? false : Reflect.get(load(), key)),
  has: (_, key) => Reflect.has(load(), key),
});`,
    }));
  },
};

/**
 * What `stevedore --version` prints besides the version: when the bundle was built (SOURCE_DATE_EPOCH when
 * set, for reproducible builds) and from which commit (none outside a git checkout).
 */
function buildInfo() {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  const date = new Date(Number.isFinite(epoch) && epoch > 0 ? epoch * 1000 : Date.now()).toISOString();
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (commit && dirty) commit += '+changes';
  } catch {
    // not a git checkout (a source tarball): no commit
  }
  return { date, commit };
}

// Built-ins that exist only with the node: prefix (and only on newer Nodes: undici loads node:sqlite for its
// optional SQLite cache, which stevedore does not use) are not all in builtinModules on Node 20.
const prefixOnly = ['node:sqlite', 'node:sea', 'node:test', 'node:test/reporters'];
const builtins = new Set([...builtinModules.flatMap((m) => [m, `node:${m}`]), ...prefixOnly]);
/**
 * Fails the build when an output still imports something that is not a Node built-in: the package ships no
 * node_modules, so such an import would throw on a user's machine (a library whose optional native part is
 * needed goes into `alias` above as the empty module, with the reason).
 */
function assertSelfContained(metafile) {
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

const watch = process.argv.includes('--watch');
const analyze = process.argv.includes('--analyze');

await rm(`${root}/dist`, { recursive: true, force: true });
const options = {
  ...commonOptions,
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli.tsx' },
  outdir: 'dist',
  metafile: true,
  define: {
    ...commonOptions.define,
    __STEVEDORE_BUILD__: JSON.stringify(buildInfo()),
  },
  alias: { ...commonOptions.alias },
  plugins: [dropAjv, lazyBuiltins, ...commonOptions.plugins],
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  const result = await esbuild.build(options);
  assertSelfContained(result.metafile);
  if (analyze) console.log(await esbuild.analyzeMetafile(result.metafile));
}
