// stevedore config list | get KEY | set KEY VALUE
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { sanitizeLine } from '../domain/sanitize';
import { hasUrlScheme } from '../domain/settings';
import type { CommandContext } from './context';
import { table } from '../views/table';
import { action, leaf, noun } from './program';

export function registerConfig(program: Command, ctx: CommandContext): void {
  const config = noun(program, 'config', 'show and change settings');

  leaf(config, ctx, 'list', 'list settings with their values and defaults').action(
    action(ctx, async (out) => {
      const service = await ctx.services.settings();
      const rows = service.list();
      out.result(
        Object.fromEntries(rows.map((r) => [r.key, r.value])),
        () => [
          ...table(
            rows,
            [
              { header: 'KEY', get: (r) => r.key },
              { header: 'VALUE', get: (r) => show(r.value) },
              { header: 'DEFAULT', get: (r) => show(r.default) },
              { header: 'MEANING', get: (r) => r.description, flex: true },
            ],
            ctx.io.stdout.columns,
          ),
          '',
          `settings file: ${service.path}`,
        ],
      );
    }),
  );

  leaf(config, ctx, 'get', 'print one setting')
    .argument('<key>', 'setting name')
    .action(
      action(ctx, async (out, key: string) => {
        const value = (await ctx.services.settings()).get(key);
        out.result({ key, value }, () => String(value));
      }),
    );

  leaf(config, ctx, 'set', 'change one setting (an empty value restores the default where allowed)')
    .argument('<key>', 'setting name')
    .argument('<value>', 'new value')
    .action(
      action(ctx, async (out, key: string, value: string) => {
        const saved = (await ctx.services.settings()).set(key, key === 'catalog' ? catalogPath(value) : value);
        // A catalog file that is not there is saved (it may be made next), but said now, not first on the Selected tab.
        if (key === 'catalog' && typeof saved === 'string' && saved.startsWith('/') && !readable(saved)) {
          ctx.warnings.add(`the catalog file ${sanitizeLine(saved)} is not there or not readable: the Selected depot says so until it is`);
        }
        out.result({ key, value: saved }, () => `${key} = ${show(saved)}`);
      }),
    );
}

function show(value: unknown): string {
  return value === '' ? '(default)' : String(value);
}

/** A catalog given as a relative path is saved as the absolute path it names from here. */
function catalogPath(value: string): string {
  const t = value.trim();
  return t === '' || hasUrlScheme(t) || isAbsolute(t) ? value : resolve(t);
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
