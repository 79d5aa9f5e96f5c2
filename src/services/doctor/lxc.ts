// `stevedore doctor`: LXD or Incus (issue 22). Which daemon answers on the socket, the image server the
// built-in `images` follows for it, and, for LXD, anything still pointed at images.linuxcontainers.org, which
// LXD cannot reach since 2024-05-01: servers added with `lxd-server add`, LXD's own images that auto-update
// from it (`update_source.server`), and the `lxc` client's `images` remote (its config.yml).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { NotSupported } from '../../domain/errors';
import { defaultLxdServer, dialectOf, isRetiredForLxd, LXD_IMAGES_URL } from '../../domain/lxc';
import { sanitizeLine } from '../../domain/sanitize';
import type { LxcServices } from '../lxc/index';
import { fail, pass, skip, type Check } from './types';

/** The `lxc` client's config files, as it looks for them (LXD_CONF, Debian's ~/.config/lxc, the snap's). */
export function lxcConfigFiles(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME || homedir();
  if (env.LXD_CONF) return [join(env.LXD_CONF, 'config.yml')];
  return [join(home, '.config', 'lxc', 'config.yml'), join(home, 'snap', 'lxd', 'common', 'config', 'config.yml')];
}

/** Remotes of an lxc config.yml (`remotes:` → `NAME:` → `addr: URL`), read line by line (no YAML library for this). */
export function remotesOf(yaml: string): Array<{ name: string; addr: string }> {
  const out: Array<{ name: string; addr: string }> = [];
  let inRemotes = false;
  let current: string | null = null;
  for (const line of yaml.split('\n')) {
    if (/^\S/.test(line)) {
      inRemotes = /^remotes:\s*$/.test(line);
      current = null;
      continue;
    }
    if (!inRemotes) continue;
    const name = /^ {2}([^\s:#][^:]*):\s*$/.exec(line);
    if (name) {
      current = (name[1] ?? '').replace(/^["']|["']$/g, '');
      continue;
    }
    const addr = /^ {4}addr:\s*["']?([^"'\s]+)["']?\s*$/.exec(line);
    if (addr && current) out.push({ name: current, addr: addr[1] ?? '' });
  }
  return out;
}

export async function checkLxc(lxc: LxcServices, env: NodeJS.ProcessEnv): Promise<Check[]> {
  const client = lxc.client();
  let socket: string;
  try {
    socket = client.socket();
  } catch (error) {
    if (error instanceof NotSupported) return [skip('lxc', 'LXD / Incus', `${sanitizeLine(error.message)}: LXC images are not used here`)];
    throw error;
  }
  const info = await client.server();
  const dialect = dialectOf(info.server);
  const name = dialect === 'incus' ? 'Incus' : 'LXD';
  const builtin = defaultLxdServer(dialect);
  const checks: Check[] = [pass('lxc', name, `${name} ${info.version || '(version unknown)'} at ${socket}; the built-in image server "images" is ${builtin.url}`)];
  if (dialect === 'incus') return checks;

  const stale: string[] = [];
  const servers = (await lxc.servers.list()).filter((s) => !s.builtin && isRetiredForLxd(s.url));
  if (servers.length > 0) {
    checks.push(
      fail(
        'lxc.servers',
        'LXD image servers',
        `${servers.map((s) => s.name).join(', ')} ${servers.length === 1 ? 'points' : 'point'} at images.linuxcontainers.org, which LXD cannot reach since 2024-05-01`,
        `stevedore lxd-server rm ${servers[0]?.name ?? 'NAME'} (the built-in "images" is ${LXD_IMAGES_URL})`,
      ),
    );
    stale.push('servers');
  }
  const raw = await client.sync('GET', '/1.0/images?recursion=1');
  const updating = (Array.isArray(raw) ? raw : []).filter((i): i is Record<string, unknown> => {
    if (i === null || typeof i !== 'object') return false;
    const source = (i as Record<string, unknown>).update_source;
    const server = source !== null && typeof source === 'object' ? (source as Record<string, unknown>).server : undefined;
    return (i as Record<string, unknown>).auto_update === true && typeof server === 'string' && isRetiredForLxd(server);
  });
  if (updating.length > 0) {
    const names = updating.map((i) => {
      const aliases = Array.isArray(i.aliases) ? i.aliases : [];
      const first = aliases[0] as { name?: unknown } | undefined;
      return sanitizeLine(typeof first?.name === 'string' ? first.name : String(i.fingerprint ?? '').slice(0, 12));
    });
    checks.push(
      fail(
        'lxc.images',
        'LXD auto-update',
        `${updating.length} image${updating.length === 1 ? '' : 's'} (${names.join(', ')}) auto-update from images.linuxcontainers.org, which LXD cannot reach since 2024-05-01`,
        `download ${updating.length === 1 ? 'it' : 'them'} again from the "images" server (${LXD_IMAGES_URL}), or turn auto-update off (lxc image edit FINGERPRINT)`,
      ),
    );
    stale.push('images');
  }
  for (const file of lxcConfigFiles(env)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const old = remotesOf(text).filter((r) => isRetiredForLxd(r.addr));
    if (old.length === 0) continue;
    checks.push(
      fail(
        'lxc.remote',
        'lxc remotes',
        `${old.map((r) => `"${sanitizeLine(r.name)}"`).join(', ')} in ${file} ${old.length === 1 ? 'is' : 'are'} images.linuxcontainers.org, which LXD cannot reach since 2024-05-01`,
        `lxc remote set-url ${sanitizeLine(old[0]?.name ?? 'images')} ${LXD_IMAGES_URL}`,
      ),
    );
    stale.push('remotes');
  }
  if (stale.length === 0) checks.push(pass('lxc.images-server', 'LXD image server', 'nothing here points at images.linuxcontainers.org'));
  return checks;
}
