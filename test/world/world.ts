// startWorld(): one isolated set of real processes per run, in a fresh temp dir:
// dockerd, four docker-registry servers, and (in this process) the token server, the Docker Hub stand-in and
// two proxies. Every external resource is recorded as it is made (cleanup.ts), and a detached reaper undoes
// them if this process dies without calling stop().
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeTlsMaterial, makeTokenSigner, writeHtpasswd, type TlsMaterial, type TokenSigner } from './certs.js';
import { cleanup, resourcesFile, saveResources, stopPid, type Resources } from './cleanup.js';
import { startDockerd } from './dockerd.js';
import type { RunningServer } from './http.js';
import { startHubStandin } from './hub-standin.js';
import { shutdownLxd, startLxd, type StartedLxd } from './lxd.js';
import { startPaginatingProxy } from './paginating-proxy.js';
import { detectEth0, freePort, type Started } from './proc.js';
import { startRegistry, type RegistryLaunch } from './registries.js';
import { startSshd, type RunningSshd } from './sshd.js';
import { createOtherUser } from './users.js';
import { seed } from './seed.js';
import { startThrottlingProxy } from './throttling-proxy.js';
import { startTokenServer, TOKEN_ISSUER, TOKEN_SERVICE } from './token-server.js';
import type { RegistryInfo, RegistryName, WorldInfo } from './types.js';

export interface World {
  info: WorldInfo;
  stop(): Promise<void>;
}

export interface StartOptions {
  seed?: boolean;
}

const USER = 'stevedore';
const here = path.dirname(fileURLToPath(import.meta.url));

export async function startWorld(opts: StartOptions = {}): Promise<World> {
  const t0 = performance.now();
  const root = fs.mkdtempSync(path.join(baseDir(), 'sdw-'));
  const res: Resources = { root, processes: [], outside: [] };
  const servers: RunningServer[] = [];
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => (stopped ??= shutdown(res, servers));
  try {
    for (const d of ['logs', 'certs', 'docker-config', 'registries']) fs.mkdirSync(path.join(root, d));
    saveResources(res);
    res.reaperPid = startReaper(root);
    saveResources(res);
    const info = await launch(res, servers);
    if (opts.seed !== false) Object.assign(info, await seed(info));
    info.startedInMs = Math.round(performance.now() - t0);
    fs.writeFileSync(path.join(root, 'world.json'), JSON.stringify(info, null, 2));
    return { info, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function shutdown(res: Resources, servers: RunningServer[]): Promise<void> {
  if (res.reaperPid) await stopPid(res.reaperPid, 'reaper.ts', 2_000);
  // LXD unmounts what it mounted when asked to shut down; the process stop below is the fallback.
  if (res.processes.some((p) => p.name === 'lxd')) await shutdownLxd(path.join(res.root, 'lxd'));
  await Promise.all(servers.map((s) => s.close()));
  await cleanup(res);
}

function track(res: Resources, name: string, proc: Started, marker: string): void {
  res.processes.push({ name, pid: proc.pid, marker });
  saveResources(res);
}

/**
 * Where the world's temp dir goes: STEVEDORE_WORLD_TMPDIR, else /dev/shm when usable, else the OS temp dir.
 * tmpfs matters: the registry writes several files per tag, and on disk seeding 2,100 tags and removing them
 * again took ~10 s and ~3 s instead of ~2.5 s and a few ms. The contents are small (a few tens of MB).
 */
function baseDir(): string {
  const wanted = process.env.STEVEDORE_WORLD_TMPDIR;
  if (wanted) return wanted;
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

function startReaper(root: string): number {
  const log = fs.openSync(path.join(root, 'logs', 'reaper.log'), 'a');
  // cwd = project root, so `--import tsx` resolves from its node_modules.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'reaper.ts'), resourcesFile(root), String(process.pid)], {
    cwd: path.resolve(here, '..', '..'),
    detached: true,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new Error('could not start the world reaper');
  return child.pid;
}

interface Ports {
  plain: number;
  tls: number;
  token: number;
  hub: number;
}

async function launch(res: Resources, servers: RunningServer[]): Promise<WorldInfo> {
  const { root } = res;
  const eth0 = detectEth0();
  const passwords = { tls: randomBytes(12).toString('base64url'), token: randomBytes(12).toString('base64url') };
  const [tlsMat, signer, ports] = await Promise.all([
    makeTlsMaterial(path.join(root, 'certs', 'tls'), [eth0, '127.0.0.1']),
    makeTokenSigner(path.join(root, 'certs', 'token')),
    pickPorts(eth0),
    writeHtpasswd(path.join(root, 'certs', 'htpasswd'), USER, passwords.tls),
  ]);
  const tokenServer = await startTokenServer({ signer, users: { [USER]: passwords.token } });
  servers.push(tokenServer);
  const launches = registryLaunches(root, eth0, ports, tlsMat, signer, tokenServer.url);
  const url = (n: RegistryName): string => launches[n].url;
  // A second engine (own roots and socket) for `--engine`, which the world's sshd also reaches (ssh:// engines).
  const rootB = path.join(root, 'd2');
  fs.mkdirSync(path.join(rootB, 'logs'), { recursive: true });
  const tcpB = `127.0.0.1:${await freePort()}`;
  const [dockerd, sshd, nodeServers, lxd, otherUser] = await Promise.all([
    startDockerd({ root, id: path.basename(root).slice('sdw-'.length), mirror: url('hub') }, (p) => track(res, 'dockerd', p, `${root}/`)),
    (async (): Promise<{ socket: string; sshd: RunningSshd }> => {
      const b = await startDockerd(
        { root: rootB, id: `${path.basename(root).slice('sdw-'.length)}-b`, mirror: url('hub'), tcpTls: { listen: tcpB, caFile: tlsMat.caFile, certFile: tlsMat.certFile, keyFile: tlsMat.keyFile } },
        (p) => track(res, 'dockerd-b', p, `${rootB}/`),
      );
      const started = await startSshd({ root, dockerHost: b.host }, (p) => track(res, 'sshd', p, `${root}/`));
      return { socket: b.socket, sshd: started };
    })(),
    startNodeServers(servers, url('plain'), url('hub')),
    startLxdPart(res, servers),
    createOtherUser(path.basename(root).slice('sdw-'.length), (name) => {
      (res.users ??= []).push(name);
      saveResources(res);
    }),
    ...Object.values(launches).map((l) => startRegistry(l, (p) => track(res, `registry-${l.name}`, p, `${root}/`))),
  ]);
  installCa(res, `${eth0}:${ports.tls}`, tlsMat.caPem);
  const info = worldInfo({ root, eth0, socket: dockerd.socket, socketB: sshd.socket, tcpB, sshd: sshd.sshd, tokenServer: tokenServer.url, launches, passwords, tls: tlsMat, ...nodeServers });
  return { ...info, otherUser, lxd: lxd.ok ? lxd.value.info : null, lxdError: lxd.ok ? null : lxd.error };
}

/**
 * LXD and the simplestreams server (issue 14). A failure here does not stop the rest of the world: the LXC
 * tests then fail in CI (or skip visibly elsewhere) with the reason, through useLxd().
 */
async function startLxdPart(res: Resources, servers: RunningServer[]): Promise<{ ok: true; value: StartedLxd } | { ok: false; error: string }> {
  try {
    const started = await startLxd(res.root, (p) => track(res, 'lxd', p, `${res.root}/`));
    servers.push(started.server);
    return { ok: true, value: started };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

async function pickPorts(eth0: string): Promise<Ports> {
  const [plain, tls, token, hub] = await Promise.all([freePort(), freePort(eth0), freePort(), freePort()]);
  return { plain, tls, token, hub };
}

function registryLaunches(root: string, eth0: string, p: Ports, tls: TlsMaterial, signer: TokenSigner, tokenUrl: string): Record<RegistryName, RegistryLaunch> {
  const dir = (n: string): string => path.join(root, 'registries', n);
  return {
    plain: { name: 'plain', dir: dir('plain'), listen: `127.0.0.1:${p.plain}`, url: `http://127.0.0.1:${p.plain}`, auth: { kind: 'none' } },
    // On the non-loopback address: dockerd treats 127.0.0.0/8 as insecure and would skip verification.
    tls: {
      name: 'tls', dir: dir('tls'), listen: `${eth0}:${p.tls}`, url: `https://${eth0}:${p.tls}`,
      auth: { kind: 'basic', htpasswdFile: path.join(root, 'certs', 'htpasswd') },
      tls: { certFile: tls.certFile, keyFile: tls.keyFile, caPem: tls.caPem },
    },
    token: {
      name: 'token', dir: dir('token'), listen: `127.0.0.1:${p.token}`, url: `http://127.0.0.1:${p.token}`,
      auth: { kind: 'token', realm: `${tokenUrl}/token`, service: TOKEN_SERVICE, issuer: TOKEN_ISSUER, rootCertBundle: signer.certFile },
    },
    hub: { name: 'hub', dir: dir('hub'), listen: `127.0.0.1:${p.hub}`, url: `http://127.0.0.1:${p.hub}`, auth: { kind: 'none' } },
  };
}

interface NodeServers {
  hub: string;
  paging: string;
  throttling: string;
}

async function startNodeServers(servers: RunningServer[], plainUrl: string, hubUrl: string): Promise<NodeServers> {
  const [hub, paging, throttling] = await Promise.all([startHubStandin(hubUrl), startPaginatingProxy(plainUrl), startThrottlingProxy(plainUrl)]);
  servers.push(hub, paging, throttling);
  return { hub: hub.url, paging: paging.url, throttling: throttling.url };
}

/** Trust the run's CA for the TLS registry the way a user would: /etc/docker/certs.d/HOST:PORT/ca.crt. */
function installCa(res: Resources, hostPort: string, caPem: string): void {
  const base = '/etc/docker/certs.d';
  for (const dir of ['/etc/docker', base, path.join(base, hostPort)]) {
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(dir);
      res.outside.push(dir);
    }
  }
  const file = path.join(base, hostPort, 'ca.crt');
  fs.writeFileSync(file, caPem);
  res.outside.push(file);
  saveResources(res);
}

interface InfoParts extends NodeServers {
  root: string;
  eth0: string;
  socket: string;
  socketB: string;
  tcpB: string;
  sshd: RunningSshd;
  tokenServer: string;
  launches: Record<RegistryName, RegistryLaunch>;
  passwords: { tls: string; token: string };
  tls: TlsMaterial;
}

function worldInfo(p: InfoParts): WorldInfo {
  const reg = (n: RegistryName, extra: Partial<RegistryInfo> = {}): RegistryInfo => ({
    name: n,
    url: p.launches[n].url,
    host: new URL(p.launches[n].url).host,
    auth: 'none',
    ...extra,
  });
  const registries = {
    plain: reg('plain'),
    tls: reg('tls', { auth: 'basic', username: USER, password: p.passwords.tls, caFile: p.tls.caFile, caCertPem: p.tls.caPem }),
    token: reg('token', { auth: 'token', username: USER, password: p.passwords.token }),
    hub: reg('hub'),
  };
  const dockerHost = `unix://${p.socket}`;
  const dockerConfig = path.join(p.root, 'docker-config');
  return {
    root: p.root,
    dockerHost,
    dockerSocket: p.socket,
    dockerConfig,
    engineB: { host: `unix://${p.socketB}`, socket: p.socketB, tlsHost: `tcp://${p.tcpB}`, caFile: p.tls.caFile },
    ssh: {
      url: `ssh://${p.sshd.user}@127.0.0.1:${p.sshd.port}`,
      port: p.sshd.port,
      user: p.sshd.user,
      clientConfig: p.sshd.clientConfig,
      controlDir: p.sshd.controlDir,
      log: p.sshd.log,
    },
    registries,
    hubApi: p.hub,
    tokenServer: p.tokenServer,
    paginatingProxy: { url: p.paging, host: new URL(p.paging).host },
    throttlingProxy: { url: p.throttling, host: new URL(p.throttling).host, control: `${p.throttling}/__throttle` },
    seeded: {},
    digests: {},
    env: { DOCKER_HOST: dockerHost, DOCKER_CONFIG: dockerConfig, STEVEDORE_HUB_API: p.hub, STEVEDORE_HUB_REGISTRY: registries.hub.url },
    eth0: p.eth0,
    startedInMs: 0,
    lxd: null,
    lxdError: null,
    otherUser: null,
  };
}
