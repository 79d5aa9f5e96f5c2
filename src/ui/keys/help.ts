// Help text generated from the key table: the `?` overlay and the README's key table.
import { BINDINGS, type Binding, type CommandId, type KeyName, SCOPE_TITLES, type Scope, displayKey, displayKeyAscii } from './bindings';

export interface HelpSection {
  title: string;
  rows: { id: CommandId; keys: string; description: string }[];
}

// In the order of SCOPE_TITLES (a Record over every scope): a new scope cannot be left out of help.
const ORDER = Object.keys(SCOPE_TITLES) as Scope[];

function keysText(keys: readonly KeyName[], ascii: boolean): string {
  const show = ascii ? displayKeyAscii : displayKey;
  // 1…9 read better as a range.
  if (keys.length === 9 && keys.every((k, i) => k === String(i + 1))) return ascii ? '1..9' : '1…9';
  return keys.map(show).join(' / ');
}

export function helpSections(options: { ascii?: boolean; bindings?: readonly Binding[] } = {}): HelpSection[] {
  const bindings = options.bindings ?? BINDINGS;
  return ORDER.map((scope) => ({
    title: SCOPE_TITLES[scope],
    rows: bindings.filter((b) => b.scope === scope).map((b) => ({ id: b.id as CommandId, keys: keysText(b.keys, options.ascii ?? false), description: b.description })),
  })).filter((s) => s.rows.length > 0);
}

/** The README's key table (Markdown). */
export function markdownKeyTable(): string {
  const lines = ['| keys | where | action |', '|---|---|---|'];
  for (const section of helpSections()) {
    for (const row of section.rows) {
      lines.push(`| ${row.keys.replace(/\|/g, '\\|').split(' / ').map((k) => `\`${k}\``).join(' ')} | ${section.title} | ${row.description} |`);
    }
  }
  return lines.join('\n');
}
