// stevedore repo list | add | show | update | rm — saved (external) repositories: repositories on
// registries that do not list them (catalog off, private), kept with their own credentials.
import type { Command } from 'commander';
import { sanitizeLine } from '../domain/sanitize';
import { type RepoViewLike, repoJson, repoLines, repoShowLines } from '../views/registries';
import type { CommandContext } from './context';
import type { Output } from './output';
import { action, leaf, noun } from './program';
import { passwordFor } from './prompt';

interface CredentialOptions {
  username?: string;
  passwordStdin?: boolean;
}

export function registerRepo(program: Command, ctx: CommandContext): void {
  const repositories = async () => (await ctx.services.remote()).repositories;
  const repo = noun(program, 'repo', 'manage saved repositories (with their own credentials)');
  const credentials = async (name: string, opts: CredentialOptions) => {
    const password = await passwordFor(ctx.io, opts, name);
    return { ...(opts.username !== undefined ? { username: opts.username } : {}), ...(password !== undefined ? { password } : {}) };
  };
  /** One repository: its JSON, or a line saying what was done. */
  const one = (out: Output, r: RepoViewLike, said: (name: string) => string | string[]) => out.result(repoJson(r), () => said(sanitizeLine(r.name)));
  const withCredentials = (verb: (r: Awaited<ReturnType<typeof repositories>>, name: string, c: { username?: string; password?: string }) => Promise<RepoViewLike>, said: (name: string, r: RepoViewLike) => string) =>
    action(ctx, async (out, name: string, opts: CredentialOptions) => {
      const r = await verb(await repositories(), name, await credentials(name, opts));
      one(out, r, (n) => said(n, r));
    });

  leaf(repo, ctx, 'list', 'list saved repositories')
    .option('--name <text>', 'only names containing this text')
    .option('--registry <name>', 'only repositories of this registry')
    .action(
      action(ctx, async (out, opts: { name?: string; registry?: string }) => {
        const list = await (await repositories()).list(opts);
        out.result(list.map((r) => repoJson(r)), () => repoLines(list, ctx.io.stdout.columns));
      }),
    );

  leaf(repo, ctx, 'add', 'save a repository, checking access with the credentials given')
    .argument('<name>', 'HOST/PATH, e.g. registry.example.com:5000/team/app')
    .option('--username <user>', 'user name')
    .option('--password-stdin', 'read the password from standard input')
    .action(withCredentials((r, name, c) => r.add(name, c), (n, r) => `saved repository ${n}${r.registry ? ` (registry "${sanitizeLine(r.registry)}")` : ''}`));

  leaf(repo, ctx, 'show', 'show a saved repository (never its password)')
    .argument('<name>', 'HOST/PATH')
    .action(action(ctx, async (out, name: string) => {
      const r = await (await repositories()).show(name);
      one(out, r, () => repoShowLines(r));
    }));

  leaf(repo, ctx, 'update', 'change the credentials of a saved repository')
    .argument('<name>', 'HOST/PATH')
    .option('--username <user>', 'user name')
    .option('--password-stdin', 'read the password from standard input')
    .action(withCredentials((r, name, c) => r.update(name, c), (n) => `updated the credentials of ${n}`));

  leaf(repo, ctx, 'rm', 'forget a saved repository (the registry keeps it)')
    .argument('<name>', 'HOST/PATH')
    .action(action(ctx, async (out, name: string) => one(out, await (await repositories()).remove(name), (n) => `removed saved repository ${n}`)));
}
