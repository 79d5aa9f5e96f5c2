// Writes the key table generated from src/ui/keys/bindings.ts into README.md, between the
// `<!-- keys:start -->` and `<!-- keys:end -->` markers. Run: npm run docs:keys
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { markdownKeyTable } from '../src/ui/keys/help';

const path = fileURLToPath(new URL('../README.md', import.meta.url));
const text = readFileSync(path, 'utf8');
const start = '<!-- keys:start -->';
const end = '<!-- keys:end -->';
const a = text.indexOf(start);
const b = text.indexOf(end);
if (a < 0 || b < a) throw new Error('README.md has no keys markers');
writeFileSync(path, `${text.slice(0, a + start.length)}\n${markdownKeyTable()}\n${text.slice(b)}`);
console.log('README.md key table updated');
