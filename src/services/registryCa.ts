// `registry add|edit --ca-file PATH`: the CA certificates a registry's certificate is verified with (besides
// the system's), read once and kept in registries.json, so the file may move or go afterwards.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InvalidInput } from '../domain/errors';
import { sanitizeLine } from '../domain/sanitize';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const MAX_BYTES = 1 << 20;

/**
 * The certificates of a PEM file, checked (each one parses), as one PEM text; a 400 that says why otherwise.
 * `what` names the input in those words: the CLI's `--ca-file`, serve's `ca_file` field, the app's "CA file".
 */
export function readCaFile(path: string, what = '--ca-file'): string {
  const shown = sanitizeLine(path);
  if (!path.trim()) throw new InvalidInput(`${what} is empty: give the path of a PEM file`);
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_BYTES) throw new InvalidInput(`${what} ${shown} is larger than 1 MiB: it is not a CA certificate`);
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof InvalidInput) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInput(`cannot read ${what} ${shown}${code ? ` (${code})` : ''}`);
  }
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new InvalidInput(`${what} ${shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw new InvalidInput(`${what} ${shown} holds a certificate that does not parse`);
    }
  }
  return `${blocks.join('\n')}\n`;
}
