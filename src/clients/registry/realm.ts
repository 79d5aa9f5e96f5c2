// The token realm a registry names, held to the SSRF rules before anything is sent to it: https only (http
// only for a plain-http registry), no credentials in it, and no loopback / private / link-local address (an IP
// literal in any spelling, IPv4 inside IPv6, or localhost) unless it is the registry's own host.
import { BlockList, isIP } from 'node:net';
import { BadResponse } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';

/**
 * A realm we may send credentials to: https (http only when the registry itself is plain http), and not a
 * loopback / private / link-local / unique-local address (or `localhost`, `*.localhost`) unless that is the
 * registry's own host. Host names are not resolved: this guards against a registry pointing its clients at
 * the machine they run on or its network (cloud metadata at 169.254.169.254, an admin port on localhost).
 */
export function validateRealm(realm: string, registryOrigin: string): URL {
  const registry = new URL(registryOrigin);
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new BadResponse(`${registry.host} named an invalid token server address "${sanitizeLine(realm).slice(0, 100)}"`);
  }
  if (url.username || url.password) throw new BadResponse(`${registry.host} named a token server address with credentials in it; refusing`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && registry.protocol === 'http:')) {
    throw new BadResponse(`${registry.host} named a token server that is not https (${url.host}); refusing to send credentials there`);
  }
  const realmHost = bareHost(url.hostname);
  if (realmHost !== bareHost(registry.hostname) && isInternalHost(realmHost)) {
    throw new BadResponse(`${registry.host} named a token server on an internal address (${url.host}); refusing`);
  }
  return url;
}

/** A URL hostname without IPv6 brackets or a trailing dot, lower case. */
export function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

/** `localhost`, `*.localhost` (RFC 6761: always loopback), or an internal IP literal. */
export function isInternalHost(host: string): boolean {
  const name = bareHost(host);
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return isIP(name) !== 0 && isInternalAddress(name);
}

/**
 * The internal ranges, made on first use (a BlockList holds a native handle, which the single file's startup
 * snapshot cannot hold: scripts/build-bin.mjs loads this module at build time).
 */
let internal: BlockList | undefined;
function internalRanges(): BlockList {
  if (internal) return internal;
  const list = new BlockList();
  for (const [net, prefix] of [
    ['0.0.0.0', 8], // "this network", unspecified
    ['10.0.0.0', 8],
    ['100.64.0.0', 10], // carrier-grade NAT
    ['127.0.0.0', 8],
    ['169.254.0.0', 16], // link-local: cloud metadata
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
  ] as const) {
    list.addSubnet(net, prefix, 'ipv4');
  }
  for (const [net, prefix] of [
    ['::', 128], // unspecified
    ['::1', 128], // loopback
    ['fe80::', 10], // link-local
    ['fec0::', 10], // site-local (deprecated, still routed by some stacks)
    ['fc00::', 7], // unique-local
  ] as const) {
    list.addSubnet(net, prefix, 'ipv6');
  }
  return (internal = list);
}

/**
 * Loopback, private, link-local, unspecified, carrier-grade NAT, unique-local and site-local addresses.
 * IPv6 forms that carry an IPv4 address (mapped `::ffff:a.b.c.d` in any spelling, compatible `::a.b.c.d`,
 * translated `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::/96` and `64:ff9b:1::/48`, 6to4 `2002::/16`) are judged by
 * that IPv4 address.
 */
export function isInternalAddress(ip: string): boolean {
  const address = ip.replace(/^\[|\]$/g, '').toLowerCase();
  const family = isIP(address);
  if (family === 4) return internalRanges().check(address, 'ipv4');
  if (family !== 6) return false;
  const bytes = ipv6Bytes(address);
  if (!bytes) return true; // isIP accepted it but it cannot be read: refuse rather than guess
  const v4 = embeddedIPv4(bytes);
  if (v4 && internalRanges().check(v4, 'ipv4')) return true;
  return internalRanges().check(address, 'ipv6');
}

/** The 16 bytes of an IPv6 address (with `::` and a trailing dotted IPv4), or undefined. */
function ipv6Bytes(address: string): number[] | undefined {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return undefined;
  const groups = [...head, ...Array<string>(Math.max(0, missing)).fill('0'), ...tail];
  const bytes: number[] = [];
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
    const n = parseInt(g, 16);
    bytes.push(n >> 8, n & 0xff);
  }
  return bytes;
}

/** The IPv4 address an IPv6 address stands for (mapped, compatible, translated, NAT64, 6to4), if any. */
function embeddedIPv4(b: number[]): string | undefined {
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4 = (at: number) => b.slice(at, at + 4).join('.');
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12); // ::ffff:a.b.c.d (mapped)
  if (zero(0, 12)) return v4(12); // ::a.b.c.d (compatible; also :: and ::1, which map into 0.0.0.0/8)
  if (zero(0, 8) && b[8] === 0xff && b[9] === 0xff && zero(10, 12)) return v4(12); // ::ffff:0:a.b.c.d (translated)
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) {
    if (zero(4, 12)) return v4(12); // 64:ff9b::/96 (NAT64 well-known prefix)
    if (b[4] === 0x00 && b[5] === 0x01) return v4(12); // 64:ff9b:1::/48 (local-use NAT64)
  }
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2); // 2002:AABB:CCDD::/48 (6to4)
  return undefined;
}

