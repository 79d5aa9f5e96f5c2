// Everything the world creates outside its own memory is recorded in <root>/resources.json as it is created,
// so that one routine can undo it: stop() in the normal case, the reaper when the process running the world dies
// (Ctrl-C on vitest, a crash, SIGKILL).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { sleep } from './async.js';
import { cmdline } from './proc.js';
import { removeUsers } from './users.js';

export interface Resources {
  root: string;
  /** Processes we started, in start order; `marker` must be in the command line for the pid to still be ours. */
  processes: Array<{ name: string; pid: number; marker: string }>;
  /** Files and directories created outside root (the CA under /etc/docker/certs.d), in creation order. */
  outside: string[];
  /** Local users made for multi-user cases (users.ts), removed last. */
  users?: string[];
  reaperPid?: number;
}

export const resourcesFile = (root: string): string => path.join(root, 'resources.json');

export function saveResources(res: Resources): void {
  fs.writeFileSync(resourcesFile(res.root), JSON.stringify(res, null, 2));
}

export function loadResources(file: string): Resources | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Resources;
  } catch {
    return null;
  }
}

const isOurs = (pid: number, marker: string): boolean => cmdline(pid)?.includes(marker) ?? false;

/** SIGTERM, wait, then SIGKILL — only while the pid still runs the command we started. */
export async function stopPid(pid: number, marker: string, graceMs = 10_000): Promise<void> {
  if (!isOurs(pid, marker)) return;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isOurs(pid, marker) && Date.now() < deadline) await sleep(50);
  if (isOurs(pid, marker)) {
    signal(pid, 'SIGKILL');
    while (isOurs(pid, marker) && Date.now() < deadline + 5_000) await sleep(50);
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Processes dockerd started on our behalf (its containerd, shims): every command line naming our root.
 * They are ours by construction: the root is a fresh mkdtemp directory.
 */
function strayPids(root: string, exclude: Set<number>): number[] {
  const marker = `${root}/`;
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => !exclude.has(pid) && isOurs(pid, marker));
}

/** Mount points under root (dockerd bind-mounts its data root), deepest first. */
function mountsUnder(root: string): string[] {
  const text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  const points = text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))));
  return points.filter((p) => p === root || p.startsWith(`${root}/`)).sort((a, b) => b.length - a.length);
}

function unmountAll(root: string): void {
  for (const point of mountsUnder(root)) {
    const r = spawnSync('umount', [point]);
    if (r.status !== 0) spawnSync('umount', ['-l', point]);
  }
}

function removeOutside(paths: string[]): void {
  for (const p of [...paths].reverse()) {
    try {
      const st = fs.lstatSync(p);
      if (st.isDirectory()) {
        if (fs.readdirSync(p).length === 0) fs.rmdirSync(p);
      } else fs.unlinkSync(p);
    } catch {
      // already gone
    }
  }
}

export async function cleanup(res: Resources): Promise<void> {
  const exclude = new Set([process.pid, ...(res.reaperPid ? [res.reaperPid] : [])]);
  // dockerd first: it stops its own containerd; registries can go at the same time.
  await Promise.all([...res.processes].reverse().map((p) => stopPid(p.pid, p.marker)));
  await Promise.all(strayPids(res.root, exclude).map((pid) => stopPid(pid, `${res.root}/`, 3_000)));
  unmountAll(res.root);
  removeOutside(res.outside);
  fs.rmSync(res.root, { recursive: true, force: true, maxRetries: 3 });
  await removeUsers(res.users ?? []);
}
