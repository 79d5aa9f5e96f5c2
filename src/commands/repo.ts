// stevedore repo list | add | show | update | rm — saved (external) repositories: repositories on
// registries that do not list them (catalog off, private), kept with their own credentials.
import type { Command } from 'commander';
import type { CommandContext } from './context';
import { repoHandlers } from './image-remote';
import { action, leaf, noun } from './program';
import { passwordFor } from './prompt';

interface CredentialOptions {
  username?: string;
  passwordStdin?: boolean;
}

export function registerRepo(program: Command, ctx: CommandContext): void {
  const handlers = repoHandlers(() => ctx.services.remote(), () => ctx.io.stdout.columns);
  const repo = noun(program, 'repo', 'manage saved repositories (with their own credentials)');

  leaf(repo, ctx, 'list', 'list saved repositories')
    .option('--name <text>', 'only names containing this text')
    .option('--registry <name>', 'only repositories of this registry')
    .action(action(ctx, (out, opts: { name?: string; registry?: string }) => handlers.list(out, opts)));

  const credentials = async (name: string, opts: CredentialOptions) => {
    const password = await passwordFor(ctx.io, opts, name);
    return { ...(opts.username !== undefined ? { username: opts.username } : {}), ...(password !== undefined ? { password } : {}) };
  };

  leaf(repo, ctx, 'add', 'save a repository, checking access with the credentials given')
    .argument('<name>', 'HOST/PATH, e.g. registry.example.com:5000/team/app')
    .option('--username <user>', 'user name')
    .option('--password-stdin', 'read the password from standard input')
    .action(action(ctx, async (out, name: string, opts: CredentialOptions) => handlers.add(out, name, await credentials(name, opts))));

  leaf(repo, ctx, 'show', 'show a saved repository (never its password)')
    .argument('<name>', 'HOST/PATH')
    .action(action(ctx, (out, name: string) => handlers.show(out, name)));

  leaf(repo, ctx, 'update', 'change the credentials of a saved repository')
    .argument('<name>', 'HOST/PATH')
    .option('--username <user>', 'user name')
    .option('--password-stdin', 'read the password from standard input')
    .action(action(ctx, async (out, name: string, opts: CredentialOptions) => handlers.update(out, name, await credentials(name, opts))));

  leaf(repo, ctx, 'rm', 'forget a saved repository (the registry keeps it)')
    .argument('<name>', 'HOST/PATH')
    .action(action(ctx, (out, name: string) => handlers.remove(out, name)));
}
