// `registry add|edit --ca-file PATH`: the CA certificates a registry's certificate is verified with (besides
// the system's), read once and kept in registries.json, so the file may move or go afterwards.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InvalidInput } from '../domain/errors';
import { sanitizeLine } from '../domain/sanitize';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const MAX_BYTES = 1 << 20;

/** The certificates of a PEM file, checked (each one parses), as one PEM text; a 400 that says why otherwise. */
export function readCaFile(path: string): string {
  const shown = sanitizeLine(path);
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_BYTES) throw new InvalidInput(`--ca-file ${shown} is larger than 1 MiB: it is not a CA certificate`);
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof InvalidInput) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInput(`cannot read --ca-file ${shown}${code ? ` (${code})` : ''}`);
  }
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new InvalidInput(`--ca-file ${shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw new InvalidInput(`--ca-file ${shown} holds a certificate that does not parse`);
    }
  }
  return `${blocks.join('\n')}\n`;
}
