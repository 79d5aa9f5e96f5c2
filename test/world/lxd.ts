// The world's LXD (Debian 12's `lxd` 5.0, run as root without systemd) and a local simplestreams image
// server over HTTPS, so LXC listing, inspect, a real download through LXD, and rm work offline:
// - LXD with its own LXD_DIR under the world root (`lxd --group root --logfile …`, `lxd waitready`, a `dir`
//   storage pool), trusting the run's own CA for the image server through SSL_CERT_FILE (Go reads it);
// - one image imported directly (`lxc image import meta.tar.gz rootfs.tar.gz --alias world/local`);
// - the image server: streams/v1/index.json and images.json over HTTPS (a CA of its own, so trusting it does
//   not change anything for the TLS registry's tests), products made per run with tar/xz: `world/fast` for
//   the host's architecture in two serials and for one other architecture, `world/slow` (served at ~1 MB/s,
//   so a download shows progress) and `world/stuck` (served at a trickle, for cancel).
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { waitUntil } from './async.js';
import { makeTlsMaterial } from './certs.js';
import { logTail, run, runOk, startProcess, type Started } from './proc.js';
import type { RunningServer } from './http.js';

export interface LxdProductInfo {
  alias: string;
  /** simplestreams arch (amd64) and LXD's (x86_64). */
  arch: string;
  lxdArch: string;
  serials: string[];
  /** Fingerprint per serial. */
  fingerprints: Record<string, string>;
  size: number;
}

export interface LxdWorldInfo {
  /** LXD_DIR of the world's LXD. */
  dir: string;
  socket: string;
  /** Environment for the program under test and for `lxc`: LXD_DIR, LXD_CONF, NODE_EXTRA_CA_CERTS. */
  env: Record<string, string>;
  /** The simplestreams server. */
  serverUrl: string;
  caFile: string;
  /** The image imported directly. */
  localAlias: string;
  localFingerprint: string;
  products: Record<'fast' | 'fastOther' | 'slow' | 'stuck', LxdProductInfo>;
}

const SIMPLESTREAMS_ARCH: Record<string, { ss: string; lxd: string }> = {
  x64: { ss: 'amd64', lxd: 'x86_64' },
  arm64: { ss: 'arm64', lxd: 'aarch64' },
};

export function hostArch(): { ss: string; lxd: string } {
  return SIMPLESTREAMS_ARCH[process.arch] ?? { ss: process.arch, lxd: process.arch };
}

function otherArch(): { ss: string; lxd: string } {
  return process.arch === 'arm64' ? { ss: 'amd64', lxd: 'x86_64' } : { ss: 'arm64', lxd: 'aarch64' };
}

export interface StartedLxd {
  info: LxdWorldInfo;
  server: RunningServer;
}

/** Starts LXD and the image server. `track` records LXD's process for cleanup as soon as it runs. */
export async function startLxd(root: string, track: (p: Started) => void): Promise<StartedLxd> {
  const dir = path.join(root, 'lxd');
  const conf = path.join(root, 'lxc-conf');
  const build = path.join(root, 'lxd-build');
  const www = path.join(root, 'simplestreams');
  for (const d of [dir, conf, build, www]) fs.mkdirSync(d, { recursive: true });
  const tls = await makeTlsMaterial(path.join(root, 'certs', 'lxd'), ['127.0.0.1']);
  const products = await makeProducts(build, www);
  const server = await startImageServer(www, tls.certFile, tls.keyFile);

  const env = { ...process.env, LXD_DIR: dir, LXD_CONF: conf, SSL_CERT_FILE: tls.caFile };
  const proc = startProcess('lxd', ['--group', 'root', '--logfile', path.join(dir, 'lxd.log')], path.join(root, 'logs', 'lxd.log'), env);
  track(proc);
  let exit: string | null = null;
  void proc.exited.then((code) => (exit = code));
  await waitUntil(
    async () => exit !== null || (await run('lxd', ['waitready', '--timeout', '2'], { env })).code === 0,
    60_000,
    () => `lxd did not become ready in ${dir}; log tail:\n${logTail(proc.logFile)}`,
  );
  if (exit !== null) throw new Error(`lxd exited (${exit}); log tail:\n${logTail(proc.logFile)}`);
  await runOk('lxc', ['storage', 'create', 'default', 'dir'], { env });
  const local = await makeSplitImage(path.join(build, 'local'), { os: 'worldos', release: 'local', variant: 'default', lxdArch: hostArch().lxd, rootBytes: 1024, gzip: true });
  await runOk('lxc', ['image', 'import', local.metaFile, local.rootFile, '--alias', 'world/local'], { env });

  return {
    server,
    info: {
      dir,
      socket: path.join(dir, 'unix.socket'),
      env: { LXD_DIR: dir, LXD_CONF: conf, NODE_EXTRA_CA_CERTS: tls.caFile },
      serverUrl: server.url,
      caFile: tls.caFile,
      localAlias: 'world/local',
      localFingerprint: local.fingerprint,
      products,
    },
  };
}

interface SplitImage {
  metaFile: string;
  rootFile: string;
  fingerprint: string;
}

/** metadata.yaml in one tarball, a root file system in another; fingerprint = sha256(meta ‖ root), as LXD computes it. */
async function makeSplitImage(
  dir: string,
  o: { os: string; release: string; variant: string; lxdArch: string; rootBytes: number; gzip?: boolean; created?: number },
): Promise<SplitImage> {
  fs.mkdirSync(path.join(dir, 'rootfs', 'bin'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'metadata.yaml'),
    `architecture: ${o.lxdArch}\ncreation_date: ${o.created ?? Math.floor(Date.now() / 1000)}\nproperties:\n  os: ${o.os}\n  release: "${o.release}"\n  variant: ${o.variant}\n  description: ${o.os} ${o.release} (stevedore test world)\n`,
  );
  fs.writeFileSync(path.join(dir, 'rootfs', 'bin', 'hello'), `hello from ${o.os} ${o.release}\n`);
  // Random bytes do not compress: the download is as big as asked.
  fs.writeFileSync(path.join(dir, 'rootfs', 'bin', 'blob'), randomBytes(o.rootBytes));
  const flag = o.gzip ? '-czf' : '-cJf';
  const ext = o.gzip ? 'tar.gz' : 'tar.xz';
  const metaFile = path.join(dir, `meta.${ext}`);
  const rootFile = path.join(dir, `root.${ext}`);
  await runOk('tar', ['-C', dir, flag, metaFile, 'metadata.yaml']);
  await runOk('tar', ['-C', path.join(dir, 'rootfs'), flag, rootFile, '.']);
  const fingerprint = createHash('sha256').update(fs.readFileSync(metaFile)).update(fs.readFileSync(rootFile)).digest('hex');
  return { metaFile, rootFile, fingerprint };
}

interface ProductSpec {
  key: 'fast' | 'fastOther' | 'slow' | 'stuck';
  alias: string;
  os: string;
  release: string;
  arch: { ss: string; lxd: string };
  serials: string[];
  rootBytes: number;
}

async function makeProducts(build: string, www: string): Promise<LxdWorldInfo['products']> {
  const specs: ProductSpec[] = [
    { key: 'fast', alias: 'world/fast', os: 'worldos', release: 'fast', arch: hostArch(), serials: ['20250101_00:00', '20250201_00:00'], rootBytes: 64 * 1024 },
    { key: 'fastOther', alias: 'world/fast', os: 'worldos', release: 'fast', arch: otherArch(), serials: ['20250201_00:00'], rootBytes: 16 * 1024 },
    { key: 'slow', alias: 'world/slow', os: 'worldos', release: 'slow', arch: hostArch(), serials: ['20250301_00:00'], rootBytes: 3 * 1024 * 1024 },
    { key: 'stuck', alias: 'world/stuck', os: 'worldos', release: 'stuck', arch: hostArch(), serials: ['20250301_00:00'], rootBytes: 2 * 1024 * 1024 },
  ];
  const products: Record<string, unknown> = {};
  const info: Partial<LxdWorldInfo['products']> = {};
  for (const spec of specs) {
    const versions: Record<string, unknown> = {};
    const fingerprints: Record<string, string> = {};
    let size = 0;
    for (const serial of spec.serials) {
      const rel = `images/${spec.os}/${spec.release}/${spec.arch.ss}/default/${serial.replace(':', '_')}`;
      const img = await makeSplitImage(path.join(build, spec.key, serial.replace(':', '_')), {
        os: spec.os, release: spec.release, variant: 'default', lxdArch: spec.arch.lxd, rootBytes: spec.rootBytes,
        created: Math.floor(Date.UTC(Number(serial.slice(0, 4)), Number(serial.slice(4, 6)) - 1, Number(serial.slice(6, 8))) / 1000),
      });
      fs.mkdirSync(path.join(www, rel), { recursive: true });
      fs.copyFileSync(img.metaFile, path.join(www, rel, 'lxd.tar.xz'));
      fs.copyFileSync(img.rootFile, path.join(www, rel, 'root.tar.xz'));
      const meta = fs.readFileSync(img.metaFile);
      const root = fs.readFileSync(img.rootFile);
      const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
      versions[serial] = {
        items: {
          'lxd.tar.xz': { ftype: 'lxd.tar.xz', path: `${rel}/lxd.tar.xz`, sha256: sha(meta), size: meta.length, combined_rootxz_sha256: img.fingerprint, combined_sha256: img.fingerprint },
          'root.tar.xz': { ftype: 'root.tar.xz', path: `${rel}/root.tar.xz`, sha256: sha(root), size: root.length },
        },
      };
      fingerprints[serial] = img.fingerprint;
      size = meta.length + root.length;
    }
    products[`${spec.os}:${spec.release}:${spec.arch.ss}:default`] = {
      aliases: `${spec.alias},${spec.alias}/default`,
      arch: spec.arch.ss,
      os: spec.os,
      release: spec.release,
      release_title: spec.release,
      variant: 'default',
      versions,
    };
    info[spec.key] = { alias: spec.alias, arch: spec.arch.ss, lxdArch: spec.arch.lxd, serials: spec.serials, fingerprints, size };
  }
  // A virtual-machine-only product, which listings must leave out.
  products['worldos:vm:amd64:default'] = {
    aliases: 'world/vm', arch: 'amd64', os: 'worldos', release: 'vm', release_title: 'vm', variant: 'default',
    versions: { '20250101_00:00': { items: { 'lxd.tar.xz': { ftype: 'lxd.tar.xz', path: 'images/none/lxd.tar.xz', sha256: '0'.repeat(64), size: 1, 'combined_disk-kvm-img_sha256': '1'.repeat(64) }, 'disk.qcow2': { ftype: 'disk-kvm.img', path: 'images/none/disk.qcow2', sha256: '0'.repeat(64), size: 1 } } } },
  };
  fs.mkdirSync(path.join(www, 'streams', 'v1'), { recursive: true });
  fs.writeFileSync(path.join(www, 'streams', 'v1', 'images.json'), JSON.stringify({ content_id: 'images', datatype: 'image-downloads', format: 'products:1.0', products }));
  fs.writeFileSync(
    path.join(www, 'streams', 'v1', 'index.json'),
    JSON.stringify({ format: 'index:1.0', index: { images: { datatype: 'image-downloads', path: 'streams/v1/images.json', format: 'products:1.0', products: Object.keys(products) } } }),
  );
  return info as LxdWorldInfo['products'];
}

/** Bytes per second for files under a product's directory; everything else at full speed. */
function rateFor(urlPath: string): number | null {
  if (urlPath.includes('/slow/') && urlPath.endsWith('root.tar.xz')) return 1024 * 1024;
  if (urlPath.includes('/stuck/') && urlPath.endsWith('root.tar.xz')) return 16 * 1024;
  return null;
}

async function startImageServer(www: string, certFile: string, keyFile: string): Promise<RunningServer> {
  const server = https.createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) }, (req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'https://x').pathname);
    const file = path.join(www, path.normalize(urlPath).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(`${www}/`) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    const data = fs.readFileSync(file);
    res.writeHead(200, { 'content-type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream', 'content-length': String(data.length) });
    const rate = rateFor(urlPath);
    if (rate === null) {
      res.end(data);
      return;
    }
    // Paced: a slice every 100 ms.
    const slice = Math.max(1, Math.floor(rate / 10));
    let offset = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      const end = Math.min(data.length, offset + slice);
      res.write(data.subarray(offset, end));
      offset = end;
      if (offset >= data.length) {
        clearInterval(timer);
        res.end();
      }
    }, 100);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Asks LXD to shut down (it unmounts what it mounted) before the process is stopped. */
export async function shutdownLxd(dir: string): Promise<void> {
  await run('lxd', ['shutdown', '--timeout', '10'], { env: { ...process.env, LXD_DIR: dir } }).catch(() => undefined);
}
