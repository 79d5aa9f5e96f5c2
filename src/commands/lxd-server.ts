// stevedore lxd-server list | add NAME --url URL | rm NAME — the simplestreams image servers that
// `--type lxc` lists and downloads from. `images` (https://images.linuxcontainers.org) is built in.
import type { Command } from 'commander';
import type { LxdServer } from '../domain/lxc';
import type { CommandContext } from './context';
import { table } from '../views/table';
import { action, leaf, noun } from './program';

const json = (s: LxdServer): Record<string, unknown> => ({ name: s.name, url: s.url, builtin: s.builtin });

export function registerLxdServer(program: Command, ctx: CommandContext): void {
  const server = noun(program, 'lxd-server', 'manage the simplestreams image servers of --type lxc');
  const lxc = () => ctx.services.lxc();

  leaf(server, ctx, 'list', 'list the image servers').action(
    action(ctx, async (out) => {
      const all = await (await lxc()).servers.list();
      out.result(all.map(json), () =>
        table(all, [
          { header: 'NAME', get: (s) => s.name },
          { header: 'URL', get: (s) => s.url, flex: true },
          { header: 'BUILT IN', get: (s) => (s.builtin ? 'yes' : '-') },
        ], ctx.io.stdout.columns),
      );
    }),
  );

  leaf(server, ctx, 'add', 'add a simplestreams image server')
    .argument('<name>', 'a name for it (used with --server)')
    .requiredOption('--url <url>', 'its https:// URL (the directory holding streams/v1/index.json)')
    .action(
      action(ctx, async (out, name: string, opts: { url: string }) => {
        const added = await (await lxc()).servers.add(name, opts.url);
        out.result(json(added), () => `added ${added.name} (${added.url})`);
      }),
    );

  leaf(server, ctx, 'rm', 'remove an image server')
    .argument('<name>', 'its name')
    .action(
      action(ctx, async (out, name: string) => {
        const removed = await (await lxc()).servers.remove(name);
        out.result(json(removed), () => `removed ${removed.name}`);
      }),
    );
}
