// stevedore notify list | add NAME (--webhook URL [--format json|ntfy|gotify] | --smtp URL --to ADDR [--from ADDR]
//   [--password-stdin] | --sendmail --to ADDR) | rm NAME | test NAME
// Where `stevedore watch` sends its notices (DESIGN.md "Updates"). A token or password comes from
// --password-stdin (never argv) and is kept in notifiers.json (0600); nothing here prints it.
import type { Command } from 'commander';
import { notifierJson, notifierTarget } from '../domain/notifiers';
import { sanitizeLine } from '../domain/sanitize';
import type { CommandContext } from './context';
import { table } from '../views/table';
import { action, leaf, noun } from './program';
import { readStdinSecret } from './prompt';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

interface AddFlags {
  webhook?: string;
  format?: string;
  smtp?: string;
  sendmail?: boolean;
  to?: string[];
  from?: string;
  passwordStdin?: boolean;
}

export function registerNotify(program: Command, ctx: CommandContext): void {
  const notify = noun(program, 'notify', 'where `stevedore watch` sends its notices: webhooks (JSON, ntfy, Gotify) and mail');
  const services = () => ctx.services.notify();

  leaf(notify, ctx, 'list', 'the notifiers (secrets shown as ********)').action(
    action(ctx, async (out) => {
      const list = await (await services()).list();
      out.result(list.map(notifierJson), () =>
        list.length === 0
          ? ['no notifiers: `stevedore notify add NAME --webhook URL` (or --smtp, --sendmail); without one, `watch` prints its news']
          : table(
              list,
              [
                { header: 'NAME', get: (n) => n.name },
                { header: 'KIND', get: (n) => (n.kind === 'webhook' ? `webhook (${n.format})` : n.kind) },
                { header: 'WHERE', get: (n) => notifierTarget(n), flex: true },
                { header: 'SECRET', get: (n) => (n.kind !== 'sendmail' && n.secret ? '********' : '-') },
              ],
              ctx.io.stdout.columns,
            ),
      );
    }),
  );

  leaf(notify, ctx, 'add', 'add a notifier: --webhook URL [--format json|ntfy|gotify], --smtp URL --to ADDR, or --sendmail --to ADDR')
    .argument('<name>', 'a name for it (letters, digits, . _ -)')
    .option('--webhook <url>', 'POST each notice to this URL (an ntfy topic URL works with --format ntfy; Gotify: its base URL)')
    .option('--format <format>', 'json (default), ntfy or gotify')
    .option('--smtp <url>', 'smtp://USER@HOST:587 (STARTTLS, then login) or smtps://USER@HOST:465')
    .option('--sendmail', "hand the mail to this host's sendmail")
    .option('--to <addr>', 'mail to this address (repeat or comma-separate for more)', collect)
    .option('--from <addr>', 'the sender address (default: the SMTP user, else stevedore@HOST)')
    .option('--password-stdin', 'read the SMTP password or the webhook token (Bearer; Gotify app token) from standard input')
    .action(
      action(ctx, async (out, name: string, opts: AddFlags) => {
        const secret = opts.passwordStdin ? await readStdinSecret(ctx.io) : null;
        const n = await (await services()).add({
          name,
          secret,
          ...(opts.webhook !== undefined ? { webhook: opts.webhook } : {}),
          ...(opts.format !== undefined ? { format: opts.format } : {}),
          ...(opts.smtp !== undefined ? { smtp: opts.smtp } : {}),
          ...(opts.sendmail ? { sendmail: true } : {}),
          ...(opts.to !== undefined ? { to: opts.to } : {}),
          ...(opts.from !== undefined ? { from: opts.from } : {}),
        });
        out.result(notifierJson(n), () => `added notifier ${n.name}: ${notifierTarget(n)}${secret ? ' (secret kept in notifiers.json, mode 0600)' : ''}; try it with \`stevedore notify test ${n.name}\``);
      }),
    );

  leaf(notify, ctx, 'rm', 'remove a notifier (and what it was told)')
    .argument('<name>', 'the notifier')
    .action(
      action(ctx, async (out, name: string) => {
        const n = await (await services()).remove(name);
        out.result(notifierJson(n), () => `removed notifier ${sanitizeLine(n.name)}`);
      }),
    );

  leaf(notify, ctx, 'test', 'send a sample notice through a notifier')
    .argument('<name>', 'the notifier')
    .action(
      action(ctx, async (out, name: string) => {
        const s = await services();
        try {
          const engine = await ctx.services.engine().then((e) => e.host()).catch(() => 'unknown');
          const n = await s.test(name, { engine });
          out.result({ ...notifierJson(n), sent: true }, () => `sent a sample notice through ${n.name} (${notifierTarget(n)})`);
        } finally {
          await s.close();
        }
      }),
    );
}
