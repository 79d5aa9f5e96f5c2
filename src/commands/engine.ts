// stevedore engine list | add | rm | use (DESIGN.md "Engines"; `--engine NAME` on every command is global).
import type { Command } from 'commander';
import { engineEntryJson, engineStatusJson, engineTable } from '../views/engines';
import type { CommandContext } from './context';
import { action, leaf, noun } from './program';

interface AddOptions {
  host: string;
  tlsVerify?: boolean;
  certPath?: string;
  dockerPath?: string;
  force?: boolean;
}

export function registerEngine(program: Command, ctx: CommandContext): void {
  const engine = noun(program, 'engine', 'the engines stevedore can work on: the default socket, docker contexts, saved engines');

  leaf(engine, ctx, 'list', 'list engines, which one is active, and whether each answers (asked at once, 3 s each)').action(
    action(ctx, async (out) => {
      const catalog = await ctx.services.engines();
      const list = await catalog.check();
      out.result(list.map(engineStatusJson), () => engineTable(list, ctx.io.stdout.columns));
    }),
  );

  leaf(engine, ctx, 'add', 'save an engine: ssh://user@host[:port], tcp://host:port (TLS with --tls-verify), unix:///path')
    .argument('<name>', 'a name for the engine')
    .requiredOption('--host <url>', 'where it is: ssh://user@host[:port], tcp://host:port or unix:///path')
    .option('--tls-verify', "tcp: use TLS and verify the engine's certificate (ca.pem of --cert-path)")
    .option('--cert-path <dir>', 'tcp+TLS: directory with ca.pem, cert.pem and key.pem (default ~/.docker)')
    .option('--docker-path <path>', 'ssh: the docker command on that host when it is not on the PATH (QNAP: /share/CACHEDEV1_DATA/.qpkg/container-station/bin/docker)')
    .option('--force', 'save it even when it does not answer now (says why)')
    .action(
      action(ctx, async (out, name: string, opts: AddOptions) => {
        const catalog = await ctx.services.engines();
        const input = { name, host: opts.host, tlsVerify: opts.tlsVerify ?? false, certPath: opts.certPath ?? null, dockerPath: opts.dockerPath ?? null };
        const { entry: added, problem } = await catalog.addChecked(input, opts.force ?? false);
        if (problem) ctx.warnings.add(`engine "${added.name}" was saved but does not answer now: ${problem}`);
        out.result({ ...engineEntryJson(added), reachable: problem === null }, () => `added engine "${added.name}" (${added.host}); \`stevedore engine use ${added.name}\` makes it the active one`);
      }),
    );

  leaf(engine, ctx, 'rm', 'forget a saved engine (docker contexts are docker’s: `docker context rm`)')
    .argument('<name>', 'the saved engine')
    .action(
      action(ctx, async (out, name: string) => {
        (await ctx.services.engines()).remove(name);
        out.result({ name, removed: true }, () => `removed engine "${name}"`);
      }),
    );

  leaf(engine, ctx, 'use', 'make an engine the active one for later commands and the app')
    .argument('<name>', 'a saved engine, a docker context, or default')
    .action(
      action(ctx, async (out, name: string) => {
        const catalog = await ctx.services.engines();
        const shadowed = catalog.use(name);
        if (shadowed) ctx.warnings.add(`${shadowed}: unset it for \`engine use\` to apply`);
        const entry = catalog.find(name);
        out.result(engineEntryJson(entry), () => `now using engine "${entry.name}" (${entry.host})`);
      }),
    );
}
