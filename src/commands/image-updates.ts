// stevedore image updates [--filter TEXT] [--refresh]   is a newer image there for each local tag?
// stevedore image update REF [--remove-old]             pull REF's tag again when its registry has a newer image
// stevedore image rollback REF                           point REF's tag back at the image the last update replaced
// (DESIGN.md "Updates"). The presenters are src/views/updates.ts; `update` pulls through the download worker
// with the same progress display as `image pull`.
import type { Command } from 'commander';
import { AppError } from '../domain/errors';
import { shortId } from '../views/local';
import { unknownCode, updatesJson, updatesSummary, updatesTable } from '../views/updates';
import type { UpdateServices } from '../services/index';
import type { CommandContext } from './context';
import { followPull } from './follow';
import { EXIT } from './output';
import { action, leaf } from './program';

export function registerImageUpdates(image: Command, ctx: CommandContext): void {
  leaf(image, ctx, 'updates', 'is a newer image there for each local tag? (asks each registry with HEAD; no pull)')
    .option('--filter <text>', 'only names and tags containing this text')
    .option('--refresh', 'ask every registry again, even when the last check is recent (updates.ttl)')
    .action(
      action(ctx, async (out, opts: { filter?: string; refresh?: boolean }) => {
        await withUpdates(ctx, async (updates) => {
          const startedAt = Date.now();
          const round = await updates.check({ ...(opts.filter ? { filter: opts.filter } : {}), refresh: opts.refresh ?? false });
          for (const note of round.notes) ctx.warnings.add(note);
          out.result(updatesJson(round.results), () => [...updatesTable(round.results, ctx.io.stdout.columns), '', updatesSummary(round, startedAt)]);
        });
      }),
    );

  leaf(image, ctx, 'update', "pull REF's tag again when its registry has a newer image")
    .argument('<ref>', 'a local tag, e.g. redis:7')
    .option('--remove-old', 'remove the replaced image afterwards when no container uses it')
    .action(
      action(ctx, async (out, ref: string, opts: { removeOld?: boolean }) => {
        const engine = await ctx.services.engine();
        await withUpdates(ctx, async (updates) => {
          const target = await updates.localTarget(ref);
          // An earlier --remove-old run of this tag killed after its pull started: the pull finished in the
          // worker, the removal is still owed; do it now.
          const owed = opts.removeOld ? await updates.finishRemoval(target) : null;
          const only = { fullName: target.fullName, tag: target.tag };
          const [result] = (await updates.check({ only, refresh: true })).results;
          if (!result) throw new AppError(404, `Image not found: ${target.ref}`);
          if (result.status === 'up_to_date' && owed) {
            if (out.json) {
              out.jsonLine({ event: 'updated', name: target.ref, digest: result.remoteDigest, status: result.status, old_id: owed.oldId, new_id: target.id, removed_old: owed.removed, kept_old: owed.kept });
              return;
            }
            const lines = [`${target.ref}: updated by an earlier run (${shortId(owed.oldId)} → ${shortId(target.id)})`];
            if (owed.kept) lines.push(`kept the old image ${shortId(owed.oldId)}: ${owed.kept}`);
            else if (owed.removed.length > 0) lines.push(`removed the old image ${shortId(owed.oldId)}`);
            ctx.io.stdout.write(`${lines.join('\n')}\n`);
            return;
          }
          if (result.status === 'up_to_date') {
            if (out.json) out.jsonLine({ event: 'up_to_date', name: target.ref, digest: result.remoteDigest });
            else ctx.io.stdout.write(`${target.ref}: already up to date${result.remoteDigest ? ` (${result.remoteDigest})` : ''}\n`);
            return;
          }
          if (result.status !== 'update_available') {
            throw new AppError(unknownCode(result.reason), `cannot update ${target.ref}: ${result.reason ?? result.status}`);
          }
          // Before the tag moves: the image it points at now is kept for `image rollback` (updates.keep_previous).
          await updates.keepPrevious(target);
          // Owed until removed: if this run is killed after the pull starts, the next one finishes it.
          if (opts.removeOld) await updates.owesRemoval(target, target.id);
          const started = await engine.downloads.start(target.ref);
          const code = await followPull(ctx.io, out, engine, started);
          if (code !== EXIT.ok) {
            ctx.setExitCode(code);
            return;
          }
          const newId = String((await engine.images.inspect(target.ref)).Id ?? '');
          // The check again, so the cache (and the app) say up to date now.
          const [after] = (await updates.check({ only, refresh: true })).results;
          const replaced = opts.removeOld ? await updates.removeReplaced(target.id, newId) : { removed: [], kept: null };
          if (opts.removeOld) await updates.owesRemoval(target, null);
          if (out.json) {
            out.jsonLine({
              event: 'updated',
              name: target.ref,
              digest: after?.remoteDigest ?? null,
              status: after?.status ?? null,
              old_id: target.id,
              new_id: newId,
              removed_old: replaced.removed,
              kept_old: replaced.kept,
            });
            return;
          }
          const lines = [`${target.ref}: updated (${shortId(target.id)} → ${shortId(newId)})`];
          if (opts.removeOld) {
            if (replaced.kept) lines.push(`kept the old image ${shortId(target.id)}: ${replaced.kept}`);
            else if (replaced.removed.length > 0) lines.push(`removed the old image ${shortId(target.id)}`);
          } else if (target.id !== newId) {
            const kept = (await updates.previous()).get(`${target.fullName}:${target.tag}`);
            lines.push(
              kept
                ? `the old image ${shortId(target.id)} is kept until ${kept.keptUntil.slice(0, 16).replace('T', ' ')} UTC: \`stevedore image rollback ${target.ref}\` goes back to it`
                : `the old image ${shortId(target.id)} is still there (remove it with \`stevedore image rm ${shortId(target.id)}\`, or use --remove-old)`,
            );
          }
          ctx.io.stdout.write(`${lines.join('\n')}\n`);
        });
      }),
    );

  leaf(image, ctx, 'rollback', "point REF's tag back at the image its last update replaced (kept for updates.keep_previous)")
    .argument('<ref>', 'a local tag, e.g. nginx:latest')
    .addHelpText('after', '\nContainers keep the image they were created from: recreate them (docker compose up -d, docker run) to use it.')
    .action(
      action(ctx, async (out, ref: string) => {
        await withUpdates(ctx, async (updates) => {
          const r = await updates.rollback(ref);
          out.result({ name: r.ref, id: r.id, replaced_id: r.replacedId, digest: r.digest, pin: r.pin }, () => [
            `${r.ref}: rolled back to ${shortId(r.id)} (was ${shortId(r.replacedId)}, kept in turn: rolling back again goes forward)`,
            ...(r.pin ? [`pin it in a compose file or \`docker run\`: ${r.pin}`] : []),
            'containers keep the image they were created from: recreate them to use it (docker compose up -d)',
          ]);
        });
      }),
    );
}

/** Runs `use` with the update service, closed afterwards (its registry connections), whatever happens. */
async function withUpdates(ctx: CommandContext, use: (updates: UpdateServices) => Promise<void>): Promise<void> {
  const updates = await ctx.services.updates();
  try {
    await use(updates);
  } finally {
    await updates.close();
  }
}
