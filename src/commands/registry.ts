// stevedore registry list | ping | add | edit | rm
import type { Command } from 'commander';
import { InvalidInput } from '../domain/errors';
import type { ApiVersion } from '../domain/registry';
import { readCaFile } from '../services/registryCa';
import { registryJson, registryTable } from '../views/registries';
import type { CommandContext } from './context';
import { action, choice, leaf, noun } from './program';
import { passwordFor } from './prompt';

const API = choice<ApiVersion>('--api', ['v1', 'v2']);

interface RegistryOptions {
  url?: string;
  api?: ApiVersion;
  trustCert?: boolean;
  /** A path, or false for `--no-ca-file`. */
  caFile?: string | false;
  username?: string;
  passwordStdin?: boolean;
  name?: string;
}

/** What the options change (the same for add and edit); the CA file is read and checked here. */
async function changes(ctx: CommandContext, opts: RegistryOptions, what: string) {
  const password = await passwordFor(ctx.io, opts, what);
  if (opts.trustCert && typeof opts.caFile === 'string') throw new InvalidInput('--trust-cert and --ca-file go one or the other', { hint: 'a CA verifies the certificate; --trust-cert pins it without one' });
  return {
    ...(opts.url !== undefined ? { url: opts.url } : {}),
    ...(opts.api ? { version: opts.api } : {}),
    ...(opts.trustCert !== undefined ? { trustCert: opts.trustCert } : {}),
    ...(opts.caFile !== undefined ? { caCert: opts.caFile === false ? null : readCaFile(opts.caFile) } : {}),
    ...(opts.username !== undefined ? { username: opts.username } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}

export function registerRegistry(program: Command, ctx: CommandContext): void {
  const registry = noun(program, 'registry', 'manage registries (Docker Hub is built in)');

  leaf(registry, ctx, 'list', 'list registries (passwords masked)').action(
    action(ctx, async (out) => {
      const list = (await ctx.services.registries()).list();
      out.result(list.map(registryJson), () => registryTable(list, ctx.io.stdout.columns));
    }),
  );

  leaf(registry, ctx, 'ping', 'check that a URL is a registry and find its API version')
    .argument('<url>', 'registry URL, e.g. https://registry.example.com:5000')
    .option('--trust-cert', "accept the registry's self-signed certificate")
    .action(
      action(ctx, async (out, url: string, opts: { trustCert?: boolean }) => {
        const version = await (await ctx.services.registries()).ping(url, opts.trustCert ?? false);
        out.result({ version }, () => `${url}: registry API ${version}`);
      }),
    );

  leaf(registry, ctx, 'add', 'add a registry')
    .argument('<name>', 'a name for the registry')
    .requiredOption('--url <url>', 'registry URL (http or https, no credentials)')
    .option('--api <version>', 'API version v1|v2 (default: detected by ping)', API)
    .option('--trust-cert', "trust the registry's self-signed certificate (pinned now)")
    .option('--ca-file <path>', "verify the registry's certificate with this CA (PEM), besides the system's")
    .option('--username <user>', 'user name')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      action(ctx, async (out, name: string, opts: RegistryOptions) => {
        const { caCert, ...rest } = await changes(ctx, opts, opts.url ?? name);
        const service = await ctx.services.registries();
        const added = await service.add({ name, url: '', ...rest, ...(caCert ? { caCert } : {}) });
        out.result(registryJson(added), () => `added registry "${added.name}" (${added.url}, API ${added.version})`);
      }),
    );

  leaf(registry, ctx, 'edit', 'change a registry')
    .argument('<name>', 'the registry to change')
    .option('--name <new>', 'rename it')
    .option('--url <url>', 'new URL')
    .option('--api <version>', 'API version v1|v2', API)
    .option('--trust-cert', "trust the registry's self-signed certificate (pinned again now)")
    .option('--no-trust-cert', 'stop trusting it')
    .option('--ca-file <path>', "verify the registry's certificate with this CA (PEM), besides the system's")
    .option('--no-ca-file', 'stop using its own CA')
    .option('--username <user>', 'user name')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      action(ctx, async (out, name: string, opts: RegistryOptions) => {
        const service = await ctx.services.registries();
        const edited = await service.edit(name, { ...(opts.name !== undefined ? { name: opts.name } : {}), ...(await changes(ctx, opts, opts.url ?? name)) });
        out.result(registryJson(edited), () => `updated registry "${edited.name}"`);
      }),
    );

  leaf(registry, ctx, 'rm', 'remove a registry')
    .argument('<name>', 'the registry to remove')
    .action(
      action(ctx, async (out, name: string) => {
        const removed = (await ctx.services.registries()).remove(name);
        out.result(registryJson(removed), () => `removed registry "${removed.name}"`);
      }),
    );
}
