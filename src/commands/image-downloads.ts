// stevedore image downloads [cancel ID | retry ID | clear]: the downloads of every engine (an ENGINE column
// when there is more than one), and the verbs by id whatever engine the download runs on (src/views/downloads).
import type { Command } from 'commander';
import { UsageError } from '../domain/errors';
import { isActiveStatus } from '../domain/images';
import { sanitizeLine } from '../domain/sanitize';
import { allDownloads, cancelDownload, clearDownloads, downloadJson, downloadsTable, retryDownload } from '../views/downloads';
import type { CommandContext } from './context';
import { action, leaf } from './program';

export function registerImageDownloads(image: Command, ctx: CommandContext): void {
  leaf(image, ctx, 'downloads', 'list the downloads of every session and engine; cancel ID, retry ID, clear (the finished ones)')
    .argument('[verb]', 'cancel ID | retry ID | clear')
    .argument('[id]', 'a download ID as `image downloads` shows it')
    .action(
      action(ctx, async (out, verb: string | undefined, id: string | undefined) => {
        if (verb === undefined) {
          const model = await allDownloads(ctx.services);
          for (const w of model.warnings) ctx.warnings.add(w);
          out.result(model.rows.map(downloadJson), () => downloadsTable(model, ctx.io.stdout.columns));
          return;
        }
        if (verb === 'clear') {
          if (id !== undefined) throw new UsageError('`image downloads clear` takes no ID');
          const cleared = await clearDownloads(ctx.services);
          out.result({ cleared }, () => `cleared ${cleared} finished download${cleared === 1 ? '' : 's'}`);
          return;
        }
        if (verb !== 'cancel' && verb !== 'retry') throw new UsageError(`unknown downloads verb "${sanitizeLine(verb)}": use cancel ID, retry ID or clear`);
        if (id === undefined || !id.trim()) throw new UsageError(`\`image downloads ${verb}\` needs a download ID (see \`stevedore image downloads\`)`);
        const row = verb === 'cancel' ? await cancelDownload(ctx.services, id) : await retryDownload(ctx.services, id);
        const said = verb === 'cancel' && isActiveStatus(row.status) ? 'cancelling' : row.status;
        out.result(downloadJson(row), () => `${row.name}: ${said} (id ${row.id})`);
      }),
    );
}
