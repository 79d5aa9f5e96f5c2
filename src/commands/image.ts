// stevedore image list | inspect | tags | pull | rm | prune: argv → view (src/views) → table or --json.
// `--type lxc` goes to the LXC views; `image downloads` and `image updates|update` have files of their own.
import { type Command, Option } from 'commander';
import { InvalidInput, UsageError } from '../domain/errors';
import { REMOTE_CATEGORIES, type RemoteCategory, canonicalCategory } from '../domain/images';
import { parsePlatform } from '../domain/settings';
import type { DownloadRecord, EngineServices } from '../services/engine/index';
import { backgroundHint } from '../views/downloads';
import { localList, localListJson, localListTable } from '../views/local';
import { lxcInspect, lxcListResult, lxcPullJob } from '../views/lxc';
import { checkPlatform, remoteInspect, remoteInspectJson, remoteInspectLines, remoteList, remoteListJson, remoteListLines, tagList, tagsJson, tagsLines } from '../views/remote';
import { pruneJson, pruneLines, prunePlanJson, prunePlanLines, removeJson, removeLines } from '../views/removal';
import type { CommandContext } from './context';
import { confirm, followPull } from './follow';
import type { Output } from './output';
import { action, choice, leaf, noun, parsePositiveInt } from './program';

const CATEGORY = choice('--category', ['local', 'selected', 'qnap', 'official', 'dockerhub', 'private', 'remote'] as const);
const TYPE = choice('--type', ['docker', 'lxc'] as const);

interface ListOptions {
  category: string;
  filter?: string;
  registry?: string;
  limit?: number;
  type?: string;
  server?: string;
  platform?: string;
}

const onlyLxc = (option: string): InvalidInput => new InvalidInput(`${option} is for --type lxc; Docker images use --registry`);
const notLxc = (): InvalidInput => new InvalidInput('--registry is for Docker images; LXC uses --server');

export function registerImage(program: Command, ctx: CommandContext): Command {
  const image = noun(program, 'image', 'list, inspect, download and remove images');
  const engine = (): Promise<EngineServices> => ctx.services.engine();
  const columns = (): number | undefined => ctx.io.stdout.columns;

  /** Prints a view's JSON (its warnings with the others of this run) or its lines. */
  const show = (out: Output, json: object, warnings: string[], lines: () => string[]): void => {
    for (const w of warnings) ctx.warnings.add(w);
    out.result(json, lines, { withWarnings: true });
  };

  leaf(image, ctx, 'list', 'list images: local ones (default) or a depot')
    .addOption(new Option('--category <c>', 'local, selected (qnap), official, dockerhub or private; remote with --type lxc').argParser(CATEGORY).default('local'))
    .option('--filter <text>', 'only names (and tags) containing this text; the search text for dockerhub')
    .option('--registry <name>', 'a configured registry (private depot; local: only its images)')
    .option('--limit <n>', 'at most this many results', parsePositiveInt('--limit', 10_000))
    .addOption(new Option('--type <type>', 'docker or lxc').argParser(TYPE))
    .option('--server <name>', 'LXC: the simplestreams server for --category remote (see `lxd-server list`)')
    .option('--platform <arch>', "LXC: architecture of remote images (default: the host's; `all` for every one)")
    .action(
      action(ctx, async (out, opts: ListOptions) => {
        const filter = opts.filter ?? '';
        const limit = opts.limit !== undefined ? { limit: opts.limit } : {};
        const category = canonicalCategory(opts.category);
        if (opts.type === 'lxc' && category !== 'selected') {
          if (category !== 'local' && category !== 'remote') throw new InvalidInput('--type lxc lists the local, remote or selected category');
          if (opts.registry !== undefined) throw notLxc();
          const result = await lxcListResult(await ctx.services.lxc(), async () => (await engine()).downloads.list(), {
            category,
            filter,
            ...limit,
            ...(opts.server !== undefined ? { server: opts.server } : {}),
            ...(opts.platform !== undefined ? { platform: opts.platform } : {}),
          });
          return show(out, result.json, result.warnings, () => result.lines(columns()));
        }
        if (category === 'remote') throw new InvalidInput('--category remote is for --type lxc');
        if (opts.server !== undefined) throw onlyLxc('--server');
        const registry = opts.registry !== undefined ? { registry: opts.registry } : {};
        if (category === 'local') {
          const model = await localList(ctx.services, { filter, type: opts.type ?? '', ...registry, ...limit }, { updates: ctx.json });
          return show(out, localListJson(model), model.warnings, () => localListTable(model.repos, columns()));
        }
        if (category === 'dockerhub' && !filter.trim()) throw new UsageError('searching Docker Hub needs a text to search for', { hint: 'give it with --filter TEXT' });
        if (category === 'private' && opts.registry === undefined) throw new UsageError('the private depot needs a registry', { hint: 'name it with --registry NAME; see `stevedore registry list`' });
        if (!(REMOTE_CATEGORIES as readonly string[]).includes(category)) throw new UsageError(`unknown category "${category}"`);
        const model = await remoteList(ctx.services, { category: category as RemoteCategory, filter, type: opts.type ?? '', ...registry, ...limit });
        show(out, remoteListJson(model), model.warnings, () => remoteListLines(model.category, model.results, columns()));
      }),
    );

  const inspect = leaf(image, ctx, 'inspect', "show an image's details: the engine's JSON, or the registry's with --remote")
    .argument('<ref>', 'REF (redis:7, team/app@sha256:…) or a full or short image ID')
    .option('--remote', 'ask the registry (without pulling)');
  refOptions(inspect, {
    registry: 'resolve a short name against this registry (implies --remote)',
    platform: 'platform to describe (implies --remote)',
    server: 'LXC: the simplestreams server to ask (implies --remote)',
  }).action(
    action(ctx, async (out, ref: string, opts: { remote?: boolean; registry?: string; platform?: string; type?: string; server?: string }) => {
      if (opts.type === 'lxc') {
        if (opts.registry !== undefined) throw notLxc();
        const json = await lxcInspect(await ctx.services.lxc(), ref, opts);
        return out.result(json, () => JSON.stringify(json, null, 2));
      }
      if (opts.server !== undefined) throw onlyLxc('--server');
      if (opts.remote || opts.registry !== undefined || opts.platform !== undefined) {
        const r = await remoteInspect(ctx.services, ref, {
          ...(opts.registry !== undefined ? { registry: opts.registry } : {}),
          ...(opts.platform !== undefined ? { platform: parsePlatform(opts.platform) } : {}),
        });
        return out.result(remoteInspectJson(r), () => remoteInspectLines(r, new Date(), columns()));
      }
      const result = await (await engine()).images.inspect(ref);
      out.result(result, () => JSON.stringify(result, null, 2));
    }),
  );

  leaf(image, ctx, 'tags', "list a repository's tags")
    .argument('<name>', 'repository (redis, team/app)')
    .option('--registry <name>', 'a configured registry')
    .option('--versions', 'registries other than Docker Hub: which version tags are the same image as latest (a HEAD per candidate, at most 12)')
    .action(
      action(ctx, async (out, name: string, opts: { registry?: string; versions?: boolean }) => {
        const list = await tagList(ctx.services, name, { ...(opts.registry !== undefined ? { registry: opts.registry } : {}), ...(opts.versions ? { versions: true } : {}) });
        // A cut-short list says so: `"truncated": true` and a warning (on stderr in human mode).
        show(out, tagsJson(list), list.warnings, () => tagsLines(list, new Date(), columns()));
      }),
    );

  const pull = leaf(image, ctx, 'pull', 'download an image (in the background worker; Ctrl-C cancels)')
    .argument('<ref>', 'REF, e.g. redis:7 or registry.example.com:5000/team/app:1.0')
    .option('--detach', 'return as soon as the download is queued');
  refOptions(pull, {
    registry: 'resolve a short name against this registry (app → HOST/app)',
    platform: "platform to pull (default: the platform setting, else the engine's)",
    server: 'LXC: the simplestreams server to download from (default: images)',
  }).action(
    action(ctx, async (out, ref: string, opts: { registry?: string; platform?: string; detach?: boolean; type?: string; server?: string }) => {
      const services = await engine();
      let started: DownloadRecord;
      if (opts.type === 'lxc') {
        if (opts.registry !== undefined) throw notLxc();
        const lxc = await ctx.services.lxc();
        // One clear line (501, 403) when LXD is not there, before a worker is started for nothing.
        await lxc.client().server();
        started = await services.downloads.startLxc(await lxcPullJob(lxc, ref, opts));
      } else {
        if (opts.server !== undefined) throw onlyLxc('--server');
        const platform = opts.platform !== undefined ? parsePlatform(opts.platform) : undefined;
        const registry = opts.registry !== undefined ? { registry: opts.registry } : {};
        // A platform the image does not have — asked for, or the `platform` setting — is refused before
        // anything is queued (the engine would pull a single-platform image of another platform and call it done).
        const setting = platform === undefined ? (await ctx.services.settings()).all().platform : '';
        if (platform || setting) await checkPlatform(ctx.services, ref, { ...(platform ? { platform } : {}), ...registry });
        started = await services.downloads.start(ref, { ...(platform ? { platform } : {}), ...registry });
      }
      if (opts.detach) {
        const name = services.name();
        const hint = backgroundHint(name, (await ctx.services.engines()).defaultName());
        out.result({ id: started.id, engine: name, name: started.name, percent: started.percent, status: started.status, error: started.error }, () =>
          `${started.name}: ${started.status} in the background (id ${started.id}; ${hint})`,
        );
        return;
      }
      ctx.setExitCode(await followPull(ctx.io, out, services, started));
    }),
  );

  leaf(image, ctx, 'rm', 'remove an image: untag a REF, or delete by ID')
    .argument('<ref>', 'REF or image ID')
    .option('-f, --force', 'remove it even when stopped containers use it or other tags point at it')
    .addOption(new Option('--type <type>', 'docker or lxc (an LXC image by alias or fingerprint)').argParser(TYPE))
    .action(
      action(ctx, async (out, ref: string, opts: { force?: boolean; type?: string }) => {
        const result = opts.type === 'lxc' ? await (await ctx.services.lxc()).remove(ref) : await (await engine()).images.remove(ref, { force: opts.force ?? false });
        out.result(removeJson(result), () => removeLines(result));
      }),
    );

  leaf(image, ctx, 'prune', 'remove dangling images (with --all: every image no container uses), saying first what goes')
    .option('-a, --all', 'every unused image, not only dangling ones')
    .option('-y, --yes', 'do not ask')
    .option('--dry-run', 'only say what would be removed and the bytes it would free')
    .action(
      action(ctx, async (out, opts: { all?: boolean; yes?: boolean; dryRun?: boolean }) => {
        const services = await engine();
        const all = opts.all ?? false;
        if (opts.dryRun) {
          const plan = await services.disk.prunePlan({ all });
          return out.result(prunePlanJson(plan), () => prunePlanLines(plan));
        }
        if (!opts.yes) {
          if (!ctx.io.stdin.isTTY) {
            throw new InvalidInput('image prune removes images: confirm with --yes (standard input is not a terminal)', { hint: 'see first what it removes with --dry-run' });
          }
          // What goes is shown before the question, and exactly that is removed.
          const plan = await services.disk.prunePlan({ all });
          const n = plan.images.length;
          const nothing = { deleted: [], space_reclaimed: 0, untagged: [], failed: [] };
          if (n === 0) return out.result(nothing, () => prunePlanLines(plan));
          ctx.io.stderr.write(`${prunePlanLines(plan).join('\n')}\n`);
          // As docker does: a "no" removes nothing and is not an error.
          if (!(await confirm(ctx.io, `Remove ${n === 1 ? 'this image' : `these ${n} images`}? [y/N] `))) return out.result(nothing, () => 'nothing removed');
          const result = await services.disk.remove(plan.images);
          return out.result(pruneJson(result), () => pruneLines(result));
        }
        const result = await services.images.prune({ all });
        out.result(pruneJson(result), () => pruneLines(result));
      }),
    );
  return image;
}

/** `--registry`, `--platform`, `--type` and `--server`, as inspect and pull read a REF (each with its own words). */
function refOptions(command: Command, help: { registry: string; platform: string; server: string }): Command {
  return command
    .option('--registry <name>', help.registry)
    .option('--platform <os/arch[/variant]>', help.platform)
    .addOption(new Option('--type <type>', 'docker or lxc').argParser(TYPE))
    .option('--server <name>', help.server);
}
