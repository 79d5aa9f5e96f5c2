// The machinery of a single executable application (SEA) with a V8 startup snapshot, for stevedore's single
// files (build-bin.mjs) and the Ink "hello" they are benchmarked against (bench/ink-hello/build.mjs):
//   - esbuild plugins for a snapshot's CommonJS bundle: built-ins a snapshot cannot hold become proxies that
//     load the real module on first use; `stevedore-from:A>B:SPEC` reaches the copy of a library another uses;
//   - makeSea(): the platform's node (from the npm registry, node-binaries.mjs; arm64 under Debian's qemu-user-
//     static) runs the bundle to build the snapshot into a blob, then a copy of that node is stripped and the
//     blob injected with postject.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { SINGLE_FILE_NODE, nodeBinary } from './node-binaries.mjs';

const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
/** Where Debian's libc6-arm64-cross & co put the arm64 libraries the arm64 node needs under qemu. */
export const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';
const hostArch = process.arch === 'arm64' ? 'arm64' : 'x64';

/**
 * Built-ins that are loaded on first use instead of in the snapshot: http, https, tls, http2 and sqlite keep
 * native handles, which a startup snapshot cannot hold; dns can be held, but its resolver is made again at every
 * start (~2 ms), also for the commands that never resolve a name.
 */
export const UNSNAPSHOTTABLE = ['http', 'https', 'tls', 'http2', 'sqlite', 'dns', 'dns/promises'];

/** The names of those built-ins' exports, read from the target node (the proxies list them without loading it). */
export function builtinKeys(node) {
  const script = `process.stdout.write(JSON.stringify(Object.fromEntries(${JSON.stringify(UNSNAPSHOTTABLE)}.map((m) => [m, Object.keys(require('node:' + m))]))))`;
  return JSON.parse(execFileSync(node, ['--no-warnings', '-e', script], { encoding: 'utf8' }));
}

/** Stands in for each built-in of UNSNAPSHOTTABLE: the real module is loaded on first use. */
export function lazyUnsnapshottable(keys) {
  const filter = new RegExp(`^(node:)?(${UNSNAPSHOTTABLE.map((m) => m.replace('/', '\\/')).join('|')})$`);
  return {
    name: 'lazy-unsnapshottable',
    setup(build) {
      build.onResolve({ filter }, (args) => (args.namespace === 'unsnapshottable' ? undefined : { path: args.path.replace(/^node:/, ''), namespace: 'unsnapshottable' }));
      build.onLoad({ filter: /.*/, namespace: 'unsnapshottable' }, (args) => ({
        loader: 'js',
        // esbuild's interop copies a CommonJS module's own keys (as getters) when it is imported: the keys are
        // the real module's, read at build time, so that importing the proxy does not load the module.
        contents: `let real;
const load = () => (real ??= require(${JSON.stringify(`node:${args.path}`)}));
const keys = ${JSON.stringify(keys[args.path])};
module.exports = new Proxy({}, {
  get: (_, key) => (key === '__esModule' ? false : Reflect.get(load(), key)),
  has: (_, key) => Reflect.has(load(), key),
  set: (_, key, value) => Reflect.set(load(), key, value),
  ownKeys: () => keys,
  getOwnPropertyDescriptor: (_, key) => (keys.includes(key) ? { configurable: true, enumerable: true, writable: true, value: undefined } : undefined),
});`,
      }));
    },
  };
}

/**
 * `import('node:X')` of a built-in becomes `process.getBuiltinModule('node:X')` (wrapped as a module): a single
 * file's main script has no module loader to import() with ("A dynamic import callback was not specified").
 */
export const dynamicBuiltins = {
  name: 'dynamic-builtins',
  setup(build) {
    const names = new Set(builtinModules.filter((m) => !m.startsWith('_')));
    build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (args.kind !== 'dynamic-import' || !names.has(name)) return undefined;
      return { path: name, namespace: 'dynamic-builtin' };
    });
    build.onLoad({ filter: /.*/, namespace: 'dynamic-builtin' }, (args) => ({
      loader: 'js',
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(`node:${args.path}`)});`,
    }));
  },
};

/**
 * `stevedore-from:A>B:SPEC`: SPEC resolved as package B imports it, B as A imports it (bin-refresh.mjs reaches
 * the very copies of chalk and figures that Ink and ink-select-input load, whatever npm's layout).
 */
export function resolveFrom(root) {
  return {
    name: 'stevedore-from',
    setup(build) {
      build.onResolve({ filter: /^stevedore-from:/ }, async (args) => {
        const [chain, spec] = args.path.slice('stevedore-from:'.length).split(/:(.*)/s);
        let resolveDir = root;
        for (const pkg of chain.split('>')) {
          const r = await build.resolve(pkg, { resolveDir, kind: 'import-statement' });
          if (r.errors.length) return { errors: r.errors };
          resolveDir = dirname(r.path);
        }
        const r = await build.resolve(spec, { resolveDir, kind: 'import-statement' });
        return r.errors.length ? { errors: r.errors } : { path: r.path };
      });
    },
  };
}

/** Runs node (built for `arch`) with args: directly, or under qemu for the other architecture. */
export function runNode(arch, node, args, options = {}) {
  const [file, argv] = arch === hostArch ? [node, args] : ['qemu-aarch64-static', ['-L', ARM64_SYSROOT, node, ...args]];
  return spawnSync(file, argv, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
}

const stripTool = (arch) => (arch === hostArch ? 'strip' : arch === 'arm64' ? 'aarch64-linux-gnu-strip' : 'x86_64-linux-gnu-strip');

/** The Debian packages missing to build for `arch` on this machine (empty when none). */
export function missingTools(arch) {
  const missing = [];
  const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  if (arch !== hostArch) {
    if (arch !== 'arm64') missing.push(`(building for ${arch} on ${hostArch} is not supported)`);
    if (!has('qemu-aarch64-static')) missing.push('qemu-user-static');
    if (!existsSync(join(ARM64_SYSROOT, 'lib', 'libstdc++.so.6'))) missing.push('libc6-arm64-cross', 'libstdc++6-arm64-cross', 'libgcc-s1-arm64-cross');
  }
  if (!has(stripTool(arch))) missing.push(arch === 'arm64' && hostArch !== 'arm64' ? 'binutils-aarch64-linux-gnu' : 'binutils');
  return missing;
}

async function inject(file, blob) {
  const { inject: postject } = await import('postject');
  // postject (LIEF) warns about every ELF note section it cannot name; the binary is fine (it is run after).
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk, ...rest) => (/Can't find string offset for section name/.test(String(chunk)) ? true : write(chunk, ...rest));
  try {
    await postject(file, 'NODE_SEA_BLOB', blob, { sentinelFuse: SEA_FUSE });
  } finally {
    process.stderr.write = write;
  }
}

/**
 * Makes the single executable `out` for `arch` from a CommonJS `script` that builds a startup snapshot
 * (it calls v8.startupSnapshot.setDeserializeMainFunction), or with `codeCache` a script run at every start
 * with V8's code cache of it. The blob is built in `work` with `env`.
 * Returns the path of node used. Throws with node's output when the snapshot cannot be built.
 */
export async function makeSea({ arch, script, out, work, env, assets = {}, codeCache = false, say = () => undefined }) {
  const node = nodeBinary(SINGLE_FILE_NODE, arch, say);
  const blob = join(work, `${arch}.blob`);
  const config = join(work, `${arch}.sea.json`);
  const mode = codeCache ? { useCodeCache: true } : { useSnapshot: true };
  writeFileSync(config, JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, ...mode, assets }));
  rmSync(blob, { force: true });
  const made = runNode(arch, node, ['--no-warnings', '--experimental-sea-config', config], { cwd: work, env });
  if (made.status !== 0 || !existsSync(blob)) throw new Error(`${arch}: building the snapshot failed (exit ${made.status ?? made.signal}):\n${(made.stderr || made.stdout).trim().slice(-3000)}`);
  copyFileSync(node, out);
  chmodSync(out, 0o755);
  // The official binaries carry their debug information and symbol table (18 MB of the 127 MB).
  execFileSync(stripTool(arch), ['--strip-all', out]);
  await inject(out, readFileSync(blob));
  rmSync(blob, { force: true });
  return node;
}
