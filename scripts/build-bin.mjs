// `npm run build:bin`: stevedore as one file per platform, dist/bin/stevedore-linux-x64 and
// dist/bin/stevedore-linux-arm64, that need no Node: Node's single executable application (SEA) support, on the
// official Node binaries from the npm registry (scripts/node-binaries.mjs), with a V8 startup snapshot.
//
//   1. Bundle scripts/bin-entry.mjs, which imports every module of src/, into one CommonJS file (SEA runs one).
//      node:http, https, tls, http2 and sqlite become proxies that load the real module on first use: a V8
//      startup snapshot cannot hold them (they keep native handles), and nothing needs them while loading.
//   2. Probe: load the bundle in plain node under bin-ambient.mjs and stop on any ambient read a module makes
//      while it loads that AMBIENT_READS does not explain (bin-entry.mjs).
//   3. Per architecture: run that platform's node with --experimental-sea-config and useSnapshot (arm64 under
//      Debian's qemu-user-static; a snapshot can only be loaded by the architecture that made it): it runs the
//      preload and writes the snapshot and the catalog asset into a blob. Then copy the node binary, strip its
//      debug information and symbols (strip / aarch64-linux-gnu-strip), and inject the blob with postject.
//   4. Run each file once (`--version`; arm64 under qemu) and print the sizes.
//
// A file whose inputs (the bundle, the Node version, this script and sea.mjs) are those of the last build is kept: set
// SOURCE_DATE_EPOCH for a reproducible bundle (the tests do, so a run builds each file once).
//   node scripts/build-bin.mjs [--arch x64|arm64] [--force] [--sizes] [--only REGEX] [--code-cache]
//   (--sizes: also the gzipped sizes; --only: snapshot only the modules of src/ that match, to find one a
//   snapshot cannot hold; --code-cache: instead of the snapshot, V8's code cache of the script, into
//   dist/bin/code-cache/, to compare the two)
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildInfo } from './build-info.mjs';
import { assertSelfContained, commonOptions, dropAjv } from './esbuild-common.mjs';
import { helpIndex } from './help-index.mjs';
import { SINGLE_FILE_NODE, nodeBinary } from './node-binaries.mjs';
import { builtinKeys, dynamicBuiltins, lazyUnsnapshottable, makeSea, missingTools, resolveFrom, runNode } from './sea.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(root, 'dist', 'bin');
const WORK = join(OUT, '.work');
const ARCHES = ['x64', 'arm64'];
const hostArch = process.arch === 'arm64' ? 'arm64' : 'x64';
const say = (message) => console.error(`[build:bin] ${message}`);

/**
 * Every read of ambient state a module makes while it loads (found by the probe), with why the value the
 * snapshot keeps is right on any machine, or what bin-refresh.mjs does about it. A read not listed here stops
 * the build. `what` is the read as the probe names it (a trailing * matches any rest), `from` a piece of the
 * stack (the library's file) where it happens.
 */
const AMBIENT_READS = [
  // ansi-escapes decides at load whether the terminal is Apple's Terminal or tmux; that changes only its
  // cursor save/restore and OSC sequences, which Ink does not use (it uses cursorTo/Up/Down/NextLine,
  // eraseLines, eraseEndLine, clearTerminal).
  { what: 'process.env.TERM_PROGRAM', from: 'ansi-escapes/base.js', why: 'only its save/restore cursor sequences, unused' },
  { what: 'process.env.TERM', from: 'ansi-escapes/base.js', why: 'only its OSC wrapping for tmux, unused' },
  { what: 'process.env.TMUX', from: 'ansi-escapes/base.js', why: 'only its OSC wrapping for tmux, unused' },
  // is-in-ci: Ink draws nothing but the last frame when it believes it runs in CI. cli.tsx removes CI from the
  // environment before it loads Ink for the app, so the value the app needs is "not in CI", which is what a
  // snapshot built without CI (buildEnv) holds.
  { what: 'process.env.CI', from: 'is-in-ci/', why: 'the app runs Ink as not in CI (cli.tsx), the value the snapshot holds' },
  { what: 'process.env.CONTINUOUS_INTEGRATION', from: 'is-in-ci/', why: 'as CI' },
  // node:assert, when it loads, sets up its own colours for assertion messages from stderr.
  { what: 'process.stderr', from: 'via node:internal/util/colors', why: "node:assert's message colours, never shown" },
  { what: 'process.env.FORCE_COLOR', from: 'via node:internal/util/colors', why: "node:assert's message colours, never shown" },
  // Ink reads DEV to connect React devtools, which these bundles replace by the empty module.
  { what: 'process.env.DEV', from: 'ink/', why: 'Ink devtools: not in the bundle' },
  // chalk (Ink's) decides its colour level when it loads: bin-refresh.mjs decides it again when the app starts.
  { what: 'tty.isatty(1)', from: 'chalk/source/vendor/supports-color/', why: 'decided again when the app starts (bin-refresh.mjs)' },
  { what: 'tty.isatty(2)', from: 'chalk/source/vendor/supports-color/', why: 'decided again when the app starts (bin-refresh.mjs)' },
  { what: 'process.env.TF_BUILD', from: 'chalk/source/vendor/supports-color/', why: 'decided again when the app starts (bin-refresh.mjs)' },
  { what: 'process.env.FORCE_COLOR', from: 'chalk/source/vendor/supports-color/', why: 'decided again when the app starts (bin-refresh.mjs)' },
  // (and --color/--no-color on the command line, which stevedore does not take: commander refuses them)
  { what: 'process.argv', from: 'chalk/source/vendor/supports-color/', why: 'no --color flags in stevedore; decided again at start' },
  // figures (ink-select-input's pointer) picks Unicode or ASCII symbols: picked again when the app starts.
  { what: 'process.env.TERM', from: 'is-unicode-supported/', why: 'picked again when the app starts (bin-refresh.mjs)' },
  { what: 'process.env.TERM_PROGRAM', from: 'is-unicode-supported/', why: 'picked again when the app starts (bin-refresh.mjs)' },
  // Ink's stdin/stdout contexts default to the process streams; Ink's own render always provides the ones
  // stevedore passes (src/app/tui.tsx), so the defaults are never read.
  { what: 'process.stdin', from: 'ink/src/components/StdinContext', why: 'context default, always overridden by render()' },
  { what: 'process.stdout', from: 'ink/src/components/StdoutContext', why: 'context default, always overridden by render()' },
  { what: 'process.stderr', from: 'ink/src/components/StderrContext', why: 'context default, always overridden by render()' },
  // stack-utils (Ink's error overview, shown when the app itself crashes) shortens stack paths by the cwd.
  { what: 'process.cwd()', from: 'stack-utils/', why: "only shortens the paths of a crash's stack trace" },
  { what: 'process.cwd()', from: 'ink/src/components/ErrorOverview', why: "the same, for Ink's own stack-utils" },
  // semver logs its internals when NODE_DEBUG names it: not in the single file.
  { what: 'process.env.NODE_DEBUG', from: 'semver/', why: 'its debug log only' },
  // env-paths (conf's) keeps the home and temp dirs for a default config folder; stevedore always gives conf
  // its folder (src/store/jsonStore.ts), so they are never used.
  { what: 'os.homedir()', from: 'env-paths/', why: 'conf always gets cwd from stevedore' },
  { what: 'os.tmpdir()', from: 'env-paths/', why: 'conf always gets cwd from stevedore' },
  // Node's require() looks for --watch (WATCH_REPORT_DEPENDENCIES) when the probe's ESM preload is active.
  { what: 'process.env.WATCH_REPORT_DEPENDENCIES', from: '', why: "Node's own --watch check in require(), only under the probe" },
  // The training run (bin-entry.mjs) prints help: commander asks whether stdout takes colours each time it prints
  // (it keeps nothing).
  { what: 'process.env.FORCE_COLOR', from: 'commander/lib/command.js', why: 'asked at every print, not kept' },
  { what: 'process.env.CLICOLOR_FORCE', from: 'commander/lib/command.js', why: 'asked at every print, not kept' },
  { what: 'process.env.NO_COLOR', from: 'commander/lib/command.js', why: 'asked at every print, not kept' },
  { what: 'process.stdout', from: 'commander/lib/command.js', why: 'asked at every print, not kept' },
  { what: 'process.stderr', from: 'commander/lib/command.js', why: 'asked at every print, not kept' },
];

function parseArgs(argv) {
  const o = { arches: ARCHES, force: false, sizes: false, only: null, codeCache: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--arch') {
      const v = argv[++i];
      if (!ARCHES.includes(v)) fail(`--arch takes ${ARCHES.join(' or ')}`);
      o.arches = [v];
    } else if (a === '--force') o.force = true;
    else if (a === '--sizes') o.sizes = true;
    else if (a === '--code-cache') o.codeCache = true;
    else if (a === '--only') o.only = new RegExp(argv[++i] ?? fail('--only takes a regular expression'));
    else fail(`unknown option ${a} (options: --arch x64|arm64, --force, --sizes, --only REGEX, --code-cache)`);
  }
  return o;
}

function fail(message) {
  console.error(`build:bin: ${message}`);
  process.exit(1);
}

/**
 * `stevedore:all`: a static import of every module of src/ (and bin-refresh.mjs), in a fixed order; `only` (a
 * regular expression, --only) keeps the modules it matches: to find one a snapshot cannot hold.
 */
function allModules(only) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') && (!only || only.test(relative(root, path)))) files.push(path);
    }
  };
  walk(join(root, 'src'));
  return {
    name: 'stevedore-all',
    setup(build) {
      build.onResolve({ filter: /^stevedore:all$/ }, () => ({ path: 'all', namespace: 'stevedore' }));
      build.onLoad({ filter: /.*/, namespace: 'stevedore' }, () => ({
        loader: 'js',
        resolveDir: root,
        contents: files.map((f) => `import ${JSON.stringify(f)};`).join('\n'),
      }));
    },
  };
}

async function bundle(keys, only, codeCache) {
  mkdirSync(WORK, { recursive: true });
  const outfile = join(WORK, codeCache ? 'stevedore-code-cache.cjs' : 'stevedore.cjs');
  const result = await esbuild.build({
    ...commonOptions,
    absWorkingDir: root,
    entryPoints: [codeCache ? 'scripts/bin-entry-code-cache.mjs' : 'scripts/bin-entry.mjs'],
    outfile,
    outdir: undefined,
    chunkNames: undefined,
    splitting: false,
    format: 'cjs',
    target: 'node24',
    // No `require` banner: in CommonJS it is there already.
    banner: {},
    // Linked: the probe runs it with --enable-source-maps to name the source line of each read.
    sourcemap: 'linked',
    // cli.tsx finds the npm package's assets through import.meta.url, on a branch the single file never takes.
    logOverride: { 'empty-import-meta': 'silent' },
    metafile: true,
    define: {
      ...commonOptions.define,
      __STEVEDORE_BUILD__: JSON.stringify(buildInfo(root)),
      __STEVEDORE_SINGLE_FILE__: 'true',
      __STEVEDORE_HELP_INDEX__: JSON.stringify(await helpIndex(root)),
    },
    // (The code-cache build loads modules on first use, as dist/cli.js: no snapshot, nothing preloaded.)
    plugins: [dynamicBuiltins, ...(codeCache ? [] : [allModules(only), lazyUnsnapshottable(keys)]), resolveFrom(root), dropAjv, ...commonOptions.plugins],
  });
  assertSelfContained(result.metafile);
  // A dynamic import() left in the bundle (of a built-in) would throw in the single file: a deserialized
  // snapshot has no module loader for it ("A dynamic import callback was not specified").
  const dynamic = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.kind === 'dynamic-import' && i.external).map((i) => i.path));
  if (dynamic.length) fail(`the single file cannot import() at run time (dynamicBuiltins covers built-ins); use a static import for: ${[...new Set(dynamic)].join(', ')}`);
  return outfile;
}

/** Ambient reads the probe saw that AMBIENT_READS does not explain. */
function probe(node, script) {
  const watch = fileURLToPath(new URL('./bin-ambient.mjs', import.meta.url));
  const r = spawnSync(node, ['--enable-source-maps', '--no-warnings', '--import', pathToFileURL(watch).href, script], {
    cwd: WORK,
    env: { ...buildEnv(), STEVEDORE_SNAPSHOT_PROBE: '1' },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) fail(`the probe failed (exit ${r.status ?? r.signal}):\n${r.stderr.trim().slice(-3000)}`);
  const reads = JSON.parse(r.stdout.trim().split('\n').pop());
  const explained = (read) => AMBIENT_READS.some((a) => (a.what.endsWith('*') ? read.what.startsWith(a.what.slice(0, -1)) : read.what === a.what) && `${read.at} via ${read.via}`.includes(a.from));
  // (A read with no frame of the bundle is Node's own, loading the bundle, or the entry's, reporting.)
  return reads.filter((read) => read.at && !explained(read));
}

/**
 * The environment the snapshot is built in: nothing of the build machine's (no CI, no TERM, no locale, no
 * NODE_OPTIONS), a home of its own. What a module would keep from it is checked by the probe anyway.
 */
function buildEnv() {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: WORK, TMPDIR: WORK };
}

async function buildArch(arch, script, inputsKey, force, codeCache) {
  const missing = missingTools(arch);
  if (missing.length) fail(`the ${arch} file needs Debian's ${missing.join(' ')} (apt-get install ${missing.join(' ')})`);
  const out = join(OUT, ...(codeCache ? ['code-cache'] : []), `stevedore-linux-${arch}`);
  mkdirSync(dirname(out), { recursive: true });
  const stamp = join(WORK, `${arch}${codeCache ? '-code-cache' : ''}.key`);
  const key = createHash('sha256').update(inputsKey).update(arch).digest('hex');
  if (!force && existsSync(out) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key) {
    say(`${relative(root, out)} is up to date`);
    return out;
  }
  const t0 = performance.now();
  const tmp = `${out}.tmp`;
  say(`${arch}: building the ${codeCache ? 'code cache' : 'startup snapshot'}${arch === hostArch ? '' : ' (under qemu)'}…`);
  try {
    await makeSea({ arch, script, out: tmp, work: WORK, env: buildEnv(), assets: { 'catalog.json': join(root, 'assets', 'catalog.json') }, codeCache, say });
  } catch (error) {
    rmSync(tmp, { force: true });
    fail(error instanceof Error ? error.message : String(error));
  }
  const check = runNode(arch, tmp, ['--version'], { env: { PATH: process.env.PATH }, timeout: 120_000 });
  if (check.status !== 0 || !check.stdout.startsWith('stevedore ')) fail(`${arch}: the built file does not run (exit ${check.status ?? check.signal}):\n${check.stdout}${check.stderr}`.trim());
  renameSync(tmp, out);
  writeFileSync(stamp, key);
  say(`${arch}: ${relative(root, out)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

const opts = parseArgs(process.argv.slice(2));
const t0 = performance.now();
mkdirSync(WORK, { recursive: true });
const hostNode = nodeBinary(SINGLE_FILE_NODE, hostArch, say);
const script = await bundle(builtinKeys(hostNode), opts.only, opts.codeCache);
// (Only a snapshot keeps what modules read while they load.)
const unexplained = opts.codeCache ? [] : probe(hostNode, script);
if (unexplained.length) {
  fail(
    `modules read the machine while they load (the snapshot would keep the build machine's values); explain each in AMBIENT_READS of scripts/build-bin.mjs or fix it:\n${unexplained
      .map((r) => `  ${r.what}  (at ${r.at}${r.via ? ` via ${r.via}` : ''}${r.module ? `; loading ${r.module}` : ''})`)
      .join('\n')}`,
  );
}
const inputsKey = createHash('sha256')
  .update(readFileSync(script))
  .update(SINGLE_FILE_NODE)
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .update(readFileSync(fileURLToPath(new URL('./sea.mjs', import.meta.url))))
  .update(readFileSync(join(root, 'assets', 'catalog.json')))
  .digest('hex');
const files = [];
for (const arch of opts.arches) files.push(await buildArch(arch, script, inputsKey, opts.force, opts.codeCache));
for (const file of files) {
  const size = statSync(file).size;
  // (Compressing 120 MB takes ~10 s: only when asked.)
  const gz = opts.sizes ? ` (${(gzipSync(readFileSync(file)).length / 1e6).toFixed(1)} MB gzipped, gzip -6)` : '';
  say(`${relative(root, file)}: ${(size / 1e6).toFixed(1)} MB${gz}`);
}
say(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
