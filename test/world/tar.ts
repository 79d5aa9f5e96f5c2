// A minimal ustar writer: enough for image layers and `docker load` archives (regular files and
// directories with short names). Written here because the project has no tar dependency of its own.

export interface TarEntry {
  name: string;
  data?: Buffer;
  mode?: number;
  type?: 'file' | 'dir';
  mtime?: number;
}

const BLOCK = 512;

function field(buf: Buffer, offset: number, length: number, value: string): void {
  buf.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'utf8');
}

const octal = (n: number, width: number): string => `${n.toString(8).padStart(width - 1, '0')}\0`;

function headerFor(e: TarEntry): Buffer {
  const isDir = e.type === 'dir';
  const name = isDir && !e.name.endsWith('/') ? `${e.name}/` : e.name;
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: name too long: ${name}`);
  const h = Buffer.alloc(BLOCK);
  field(h, 0, 100, name);
  field(h, 100, 8, octal(e.mode ?? (isDir ? 0o755 : 0o644), 8));
  field(h, 108, 8, octal(0, 8));
  field(h, 116, 8, octal(0, 8));
  field(h, 124, 12, octal(isDir ? 0 : (e.data?.length ?? 0), 12));
  field(h, 136, 12, octal(e.mtime ?? 0, 12));
  field(h, 148, 8, '        '); // checksum is computed with this field as spaces
  field(h, 156, 1, isDir ? '5' : '0');
  field(h, 257, 6, 'ustar\0');
  field(h, 263, 2, '00');
  field(h, 265, 32, 'root');
  field(h, 297, 32, 'root');
  let sum = 0;
  for (const b of h) sum += b;
  field(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(headerFor(e));
    if (e.type !== 'dir' && e.data && e.data.length > 0) {
      parts.push(e.data);
      const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

/** Entries for every parent directory of the given file paths (layers should carry their directories). */
export function parentDirs(paths: string[]): TarEntry[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.replace(/^\/+/, '').split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs].sort().map((name) => ({ name, type: 'dir' as const }));
}
