// Where LXD's (or Incus's) unix socket is, as their own clients look for it (DESIGN.md "LXC"):
// $LXD_DIR/unix.socket or $INCUS_DIR/unix.socket when set, else Debian's /var/lib/lxd, the snap's
// /var/snap/lxd/common/lxd, and Incus's /var/lib/incus and /run/incus (Debian 13, Ubuntu 24.04). The first that
// exists wins; every path looked at is kept so "no LXD" can say where it looked.
import { statSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_SOCKETS = ['/var/lib/lxd/unix.socket', '/var/snap/lxd/common/lxd/unix.socket', '/var/lib/incus/unix.socket', '/run/incus/unix.socket'];

export interface SocketSearch {
  /** The socket found, or null. */
  path: string | null;
  /** Every candidate, in the order looked at. */
  looked: string[];
}

export function socketCandidates(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  if (env.LXD_DIR) out.push(join(env.LXD_DIR, 'unix.socket'));
  if (env.INCUS_DIR) out.push(join(env.INCUS_DIR, 'unix.socket'));
  // With LXD_DIR or INCUS_DIR set, only those (as `lxc` does): a user who points at one LXD means that one.
  if (out.length > 0) return out;
  return [...DEFAULT_SOCKETS];
}

export function findSocket(env: NodeJS.ProcessEnv, exists: (path: string) => boolean = isSocket): SocketSearch {
  const looked = socketCandidates(env);
  return { path: looked.find((p) => exists(p)) ?? null, looked };
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}
