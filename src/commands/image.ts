// stevedore image list | inspect | tags | pull | downloads | rm | prune
// The local behaviour is here; the remote categories, `inspect --remote` and `tags` come from the
// registry side through `RemoteImageHandlers` (without them those answer 501).
import { type Command, Option } from 'commander';
import { AppError, Conflict, InvalidInput, NotSupported, isAppError, isCancellation } from '../domain/errors';
import { registryHost } from '../domain/registry';
import { sanitizeLine } from '../domain/sanitize';
import { parsePlatform } from '../domain/settings';
import type { ImageDiskSize } from '../domain/diskUsage';
import type { LocalRepository } from '../domain/images';
import type { DownloadRecord, EngineServices } from '../services/engine/index';
import type { CommandContext } from './context';
import {
  ASCII_BAR,
  UNICODE_BAR,
  downloadsJson,
  downloadsTable,
  localListJson,
  localListTable,
  progressBlock,
  progressLine,
  pruneJson,
  pruneLines,
  prunePlanJson,
  prunePlanLines,
  pullProgressJson,
  removeLines,
} from './image-local';
import { lxcInspect, lxcList, lxcPullJob, lxcRemove } from './image-lxc';
import { EXIT, type Io, type Output } from './output';
import { action, choice, leaf, noun, parsePositiveInt } from './program';

export type RemoteCategory = 'selected' | 'official' | 'dockerhub' | 'private';

export interface RemoteListQuery {
  category: RemoteCategory;
  filter: string;
  registry?: string;
  limit?: number;
  /** `--type` as given (`docker` or empty). */
  type: string;
}

/** What the registry side supplies; each handler prints its own result through `out`. */
export interface RemoteImageHandlers {
  list?(out: Output, query: RemoteListQuery): Promise<void>;
  inspect?(out: Output, ref: string, options: { registry?: string; platform?: string }): Promise<void>;
  tags?(out: Output, name: string, options: { registry?: string; versions?: boolean }): Promise<void>;
  /** Before a pull with --platform (or the `platform` setting): a 404 naming the platforms the image has, when it lacks that one. */
  platformCheck?(ref: string, options: { registry?: string; platform?: string }): Promise<void>;
}

const CATEGORY = choice('--category', ['local', 'selected', 'qnap', 'official', 'dockerhub', 'private', 'remote'] as const);
const TYPE = choice('--type', ['docker', 'lxc'] as const);
const NON_TTY_INTERVAL_MS = 5000;

const isActive = (status: DownloadRecord['status']): boolean => status === 'waiting' || status === 'downloading' || status === 'extracting';

const needsRegistryClient = (what: string): NotSupported => new NotSupported(`${what} needs the registry client, which this build does not have`);

export function registerImage(program: Command, ctx: CommandContext, remote: RemoteImageHandlers = {}): void {
  const image = noun(program, 'image', 'list, inspect, download and remove images');
  const engine = (): Promise<EngineServices> => ctx.services.engine();

  leaf(image, ctx, 'list', 'list images: local ones (default) or a depot')
    .addOption(new Option('--category <c>', 'local, selected (qnap), official, dockerhub or private; remote with --type lxc').argParser(CATEGORY).default('local'))
    .option('--filter <text>', 'only names (and tags) containing this text; the search text for dockerhub')
    .option('--registry <name>', 'a configured registry (private depot; local: only its images)')
    .option('--limit <n>', 'at most this many results', parsePositiveInt('--limit', 10_000))
    .addOption(new Option('--type <type>', 'docker or lxc').argParser(TYPE))
    .option('--server <name>', 'LXC: the simplestreams server for --category remote (see `lxd-server list`)')
    .option('--platform <arch>', 'LXC: architecture of remote images (default: the host\'s; `all` for every one)')
    .action(
      action(ctx, async (out, opts: { category: string; filter?: string; registry?: string; limit?: number; type?: string; server?: string; platform?: string }) => {
        if (opts.type === 'lxc' && opts.category !== 'selected' && opts.category !== 'qnap') {
          if (opts.category !== 'local' && opts.category !== 'remote') throw new InvalidInput('--type lxc lists the local, remote or selected category');
          if (opts.registry !== undefined) throw new InvalidInput('--registry is for Docker images; LXC uses --server');
          await lxcList(ctx, out, opts);
          return;
        }
        if (opts.category === 'remote') throw new InvalidInput('--category remote is for --type lxc');
        if (opts.server !== undefined) throw new InvalidInput('--server is for --type lxc; Docker images use --registry');
        const type = opts.type ?? '';
        const category = opts.category === 'qnap' ? 'selected' : opts.category;
        if (category !== 'local') {
          if (!remote.list) throw needsRegistryClient(`--category ${category}`);
          if (category === 'dockerhub' && !opts.filter?.trim()) throw new InvalidInput('searching Docker Hub needs a text to search for', { hint: 'give it with --filter TEXT' });
          if (category === 'private' && opts.registry === undefined) throw new InvalidInput('the private depot needs a registry', { hint: 'name it with --registry NAME; see `stevedore registry list`' });
          await remote.list(out, {
            category: category as RemoteCategory,
            filter: opts.filter ?? '',
            type,
            ...(opts.registry !== undefined ? { registry: opts.registry } : {}),
            ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
          });
          return;
        }
        const services = await engine();
        const [all, downloading, host, updates] = await Promise.all([
          services.images.listLocal(opts.filter ? { filter: opts.filter } : {}),
          services.downloadingIndex().catch((error: unknown) => {
            ctx.warnings.add(`cannot read the running downloads: ${isAppError(error) ? error.describe() : String(error)}; "downloading" marks are unknown`);
            return null;
          }),
          opts.registry ? registryHostOf(ctx, opts.registry) : Promise.resolve(null),
          // The last update checks (issue 12) and the images kept for a rollback (issue 22): files, no registry asked.
          ctx.json ? ctx.services.updates().then(async (u) => ({ u, checks: await u.cached() })).catch(() => undefined) : Promise.resolve(undefined),
        ]);
        // (A filtered list may leave out the kept image itself: then the service lists the engine again.)
        const previous = updates ? await updates.u.previous(opts.filter ? undefined : all).catch(() => undefined) : undefined;
        let repos = host ? all.filter((r) => r.fullName.startsWith(`${host}/`)) : all;
        if (opts.limit !== undefined) repos = repos.slice(0, opts.limit);
        // unique_size / shared_size (issue 23): sharing counts every image, so a filtered listing is not enough.
        const sizes = ctx.json ? await diskSizes(ctx, services, repos, opts.filter ? undefined : all) : null;
        out.result(localListJson({ filterText: opts.filter ?? '', type }, repos, downloading, ctx.warnings.list, updates?.checks, sizes, previous), () =>
          localListTable(repos, ctx.io.stdout.columns),
        );
      }),
    );

  leaf(image, ctx, 'inspect', "show an image's details: the engine's JSON, or the registry's with --remote")
    .argument('<ref>', 'REF (redis:7, team/app@sha256:…) or a full or short image ID')
    .option('--remote', 'ask the registry (without pulling)')
    .option('--registry <name>', 'resolve a short name against this registry (implies --remote)')
    .option('--platform <os/arch[/variant]>', 'platform to describe (implies --remote)')
    .addOption(new Option('--type <type>', 'docker or lxc').argParser(TYPE))
    .option('--server <name>', 'LXC: the simplestreams server to ask (implies --remote)')
    .action(
      action(ctx, async (out, ref: string, opts: { remote?: boolean; registry?: string; platform?: string; type?: string; server?: string }) => {
        if (opts.type === 'lxc') {
          if (opts.registry !== undefined) throw new InvalidInput('--registry is for Docker images; LXC uses --server');
          return lxcInspect(ctx, out, ref, opts);
        }
        if (opts.remote || opts.registry !== undefined || opts.platform !== undefined) {
          if (!remote.inspect) throw needsRegistryClient('image inspect --remote');
          await remote.inspect(out, ref, {
            ...(opts.registry !== undefined ? { registry: opts.registry } : {}),
            ...(opts.platform !== undefined ? { platform: parsePlatform(opts.platform) } : {}),
          });
          return;
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
        if (!remote.tags) throw needsRegistryClient('image tags');
        await remote.tags(out, name, { ...(opts.registry !== undefined ? { registry: opts.registry } : {}), ...(opts.versions ? { versions: true } : {}) });
      }),
    );

  leaf(image, ctx, 'pull', 'download an image (in the background worker; Ctrl-C cancels)')
    .argument('<ref>', 'REF, e.g. redis:7 or registry.example.com:5000/team/app:1.0')
    .option('--registry <name>', 'resolve a short name against this registry (app → HOST/app)')
    .option('--platform <os/arch[/variant]>', "platform to pull (default: the platform setting, else the engine's)")
    .option('--detach', 'return as soon as the download is queued')
    .addOption(new Option('--type <type>', 'docker or lxc').argParser(TYPE))
    .option('--server <name>', 'LXC: the simplestreams server to download from (default: images)')
    .action(
      action(ctx, async (out, ref: string, opts: { registry?: string; platform?: string; detach?: boolean; type?: string; server?: string }) => {
        let started: DownloadRecord;
        let services: EngineServices;
        if (opts.type === 'lxc') {
          if (opts.registry !== undefined) throw new InvalidInput('--registry is for Docker images; LXC uses --server');
          const lxc = await ctx.services.lxc();
          // One clear line (501, 403) when LXD is not there, before a worker is started for nothing.
          await lxc.client().server();
          const job = await lxcPullJob(lxc, ref, opts);
          services = await engine();
          started = await services.downloads.startLxc(job);
        } else {
          services = await engine();
          const platform = opts.platform !== undefined ? parsePlatform(opts.platform) : undefined;
          // A platform the image does not have — asked for, or the `platform` setting — is refused before
          // anything is queued (the engine would pull a single-platform image of another platform and call it done).
          const setting = platform === undefined ? (await ctx.services.settings()).all().platform : '';
          if ((platform || setting) && remote.platformCheck) {
            await remote.platformCheck(ref, { ...(platform ? { platform } : {}), ...(opts.registry !== undefined ? { registry: opts.registry } : {}) });
          }
          started = await services.downloads.start(ref, {
            ...(platform ? { platform } : {}),
            ...(opts.registry !== undefined ? { registry: opts.registry } : {}),
          });
        }
        if (opts.detach) {
          out.result({ id: started.id, name: started.name, percent: started.percent, status: started.status, error: started.error }, () =>
            `${started.name}: ${started.status} in the background (id ${started.id}; see \`stevedore image downloads\`)`,
          );
          return;
        }
        ctx.setExitCode(await followPull(ctx.io, out, services, started));
      }),
    );

  leaf(image, ctx, 'downloads', 'list the downloads of every session; cancel ID, retry ID, clear (the finished ones)')
    .argument('[verb]', 'cancel ID | retry ID | clear')
    .argument('[id]', 'a download ID as `image downloads` shows it')
    .action(
      action(ctx, async (out, verb: string | undefined, id: string | undefined) => {
        const downloads = (await engine()).downloads;
        if (verb === undefined) {
          const records = await downloads.list();
          out.result(downloadsJson(records), () => downloadsTable(records, ctx.io.stdout.columns));
          return;
        }
        if (verb === 'clear') {
          if (id !== undefined) throw new InvalidInput('`image downloads clear` takes no ID');
          const cleared = await downloads.clear();
          out.result({ cleared }, () => `cleared ${cleared} finished download${cleared === 1 ? '' : 's'}`);
          return;
        }
        if (verb !== 'cancel' && verb !== 'retry') throw new InvalidInput(`unknown downloads verb "${sanitizeLine(verb)}": use cancel ID, retry ID or clear`);
        if (id === undefined || !id.trim()) throw new InvalidInput(`\`image downloads ${verb}\` needs a download ID (see \`stevedore image downloads\`)`);
        if (verb === 'cancel') {
          // As the app's `x`: a download that has ended cannot be cancelled (a script learns it did not stop it).
          const known = (await downloads.list()).find((r) => r.id === id.trim());
          if (known && !['waiting', 'downloading', 'extracting'].includes(known.status)) {
            throw new Conflict(`${sanitizeLine(known.name)} is not running (it is ${known.status})`, { hint: '`stevedore image downloads retry ID` starts it again' });
          }
        }
        const record = verb === 'cancel' ? await downloads.cancel(id.trim()) : await downloads.retry(id.trim());
        out.result(downloadsJson([record])[0], () => `${record.name}: ${verb === 'cancel' ? (['waiting', 'downloading', 'extracting'].includes(record.status) ? 'cancelling' : record.status) : record.status} (id ${record.id})`);
      }),
    );

  leaf(image, ctx, 'rm', 'remove an image: untag a REF, or delete by ID')
    .argument('<ref>', 'REF or image ID')
    .option('-f, --force', 'remove it even when stopped containers use it or other tags point at it')
    .addOption(new Option('--type <type>', 'docker or lxc (an LXC image by alias or fingerprint)').argParser(TYPE))
    .action(
      action(ctx, async (out, ref: string, opts: { force?: boolean; type?: string }) => {
        if (opts.type === 'lxc') return lxcRemove(ctx, out, ref);
        const result = await (await engine()).images.remove(ref, { force: opts.force ?? false });
        out.result({ name: result.name, untagged: result.untagged, deleted: result.deleted }, () => removeLines(result));
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
          out.result(prunePlanJson(plan), () => prunePlanLines(plan));
          return;
        }
        if (!opts.yes) {
          if (!ctx.io.stdin.isTTY) {
            throw new InvalidInput('image prune removes images: confirm with --yes (standard input is not a terminal)', { hint: 'see first what it removes with --dry-run' });
          }
          // What goes is shown before the question, and exactly that is removed.
          const plan = await services.disk.prunePlan({ all });
          const n = plan.images.length;
          if (n === 0) {
            out.result({ deleted: [], space_reclaimed: 0, untagged: [], failed: [] }, () => prunePlanLines(plan));
            return;
          }
          ctx.io.stderr.write(`${prunePlanLines(plan).join('\n')}\n`);
          if (!(await confirm(ctx.io, `Remove ${n === 1 ? 'this image' : `these ${n} images`}? [y/N] `))) {
            // As docker does: a "no" removes nothing and is not an error.
            out.result({ deleted: [], space_reclaimed: 0, untagged: [], failed: [] }, () => 'nothing removed');
            return;
          }
          const result = await services.disk.remove(plan.images);
          out.result(pruneJson(result), () => pruneLines(result));
          return;
        }
        const result = await services.images.prune({ all });
        out.result(pruneJson(result), () => pruneLines(result));
      }),
    );
}

/** Unique and shared bytes of the listed images; a failure leaves them null with a warning (the list still answers). */
async function diskSizes(ctx: CommandContext, services: EngineServices, shown: LocalRepository[], whole: LocalRepository[] | undefined): Promise<Map<string, ImageDiskSize> | null> {
  try {
    return await services.disk.sizes({ ...(whole ? { repos: whole } : {}), ids: shown.flatMap((r) => r.images.map((i) => i.id)) });
  } catch (error) {
    ctx.warnings.add(`cannot work out what each image costs on disk: ${isAppError(error) ? error.describe() : String(error)}; unique_size and shared_size are null`);
    return null;
  }
}

async function registryHostOf(ctx: CommandContext, name: string): Promise<string> {
  const reg = (await ctx.services.registries()).get(name);
  return reg.builtin ? 'docker.io' : registryHost(reg.url);
}

/** Asks a yes/no question on the terminal; only `y`/`yes` is a yes. */
function confirm(io: Io, question: string): Promise<boolean> {
  return new Promise((resolve) => {
    io.stderr.write(question);
    let text = '';
    io.stdin.setEncoding?.('utf8');
    const done = (answer: boolean): void => {
      io.stdin.removeAllListeners?.('data');
      io.stdin.removeAllListeners?.('end');
      io.stdin.pause?.();
      resolve(answer);
    };
    io.stdin.on('data', (chunk) => {
      text += chunk.toString();
      if (text.includes('\n') || text.includes('\r')) done(/^\s*y(es)?\s*$/i.test(text.split(/[\r\n]/)[0] ?? ''));
    });
    io.stdin.on('end', () => done(false));
    io.stdin.resume?.();
  });
}

/**
 * Follows a download until it ends, printing progress the way the output allows; Ctrl-C stops following
 * and cancels it unless another terminal follows it too. Returns the exit code.
 */
export async function followPull(io: Io, out: Output, services: EngineServices, started: DownloadRecord): Promise<number> {
  const render = progressRenderer(io, out);
  const controller = new AbortController();
  let firstInterrupt = 0;
  const onSignal = (): void => {
    // A second Ctrl-C leaves at once. (conf's exit hook re-sends the first SIGINT to this process, so a
    // repeat within a moment is that echo, not the user.)
    if (firstInterrupt > 0) {
      if (Date.now() - firstInterrupt > 500) process.exit(EXIT.cancelled);
      return;
    }
    firstInterrupt = Date.now();
    // (On a terminal the progress block shows it; a line on stderr would break the redraw.)
    if (!out.json && !io.stdout.isTTY) io.stderr.write('cancelling… (Ctrl-C again to leave at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  try {
    let final: DownloadRecord;
    try {
      final = await services.downloads.follow(started.id, render.update, controller.signal);
    } catch (error) {
      if (!isCancellation(error)) throw error;
      // Ctrl-C stops this terminal following; the worker cancels only when no other terminal follows.
      const { followers } = await services.downloads.detach(started.id);
      if (followers > 0) {
        const others = followers === 1 ? 'another terminal follows it' : `${followers} other terminals follow it`;
        if (out.json) out.jsonLine({ event: 'detached', name: started.name, id: started.id, followers });
        else io.stderr.write(`${started.name}: stopped following; the download goes on (${others}; \`stevedore image downloads cancel ${started.id}\` cancels it)\n`);
        return EXIT.cancelled;
      }
      // Wait (briefly) for the engine request to be torn down, so the history says cancelled.
      const stop = AbortSignal.timeout(10_000);
      final = await services.downloads.follow(started.id, () => undefined, stop).catch(() => ({ ...started, status: 'cancelled' as const }));
    }
    render.end(final);
    if (final.status === 'complete') {
      if (out.json) out.jsonLine({ event: 'done', name: final.name, digest: final.digest });
      else io.stdout.write(`${final.name}: downloaded${final.digest ? ` (${final.digest})` : ''}\n`);
      return EXIT.ok;
    }
    if (final.status === 'cancelled') {
      if (out.json) out.jsonLine({ event: 'cancelled', name: final.name });
      else io.stderr.write(`${final.name}: cancelled\n`);
      return EXIT.cancelled;
    }
    throw new AppError(final.errorCode ?? 502, final.error ?? 'the download failed');
  } finally {
    process.off('SIGINT', onSignal);
  }
}

interface Renderer {
  update: (record: DownloadRecord) => void;
  end: (record: DownloadRecord) => void;
}

function progressRenderer(io: Io, out: Output): Renderer {
  if (out.json) {
    // Progress lines while it runs; the end is the `done` / `cancelled` event or the error object.
    return { update: (r) => void (isActive(r.status) && out.jsonLine(pullProgressJson(r))), end: () => undefined };
  }
  if (io.stdout.isTTY) {
    const utf8 = /utf-?8/i.test(io.env.LC_ALL || io.env.LC_CTYPE || io.env.LANG || '');
    const style = utf8 ? UNICODE_BAR : ASCII_BAR;
    let drawn = 0;
    const draw = (r: DownloadRecord): void => {
      const lines = progressBlock(r, io.stdout.columns ?? 80, style);
      let text = drawn > 0 ? `\u001b[${drawn}F` : '';
      for (const line of lines) text += `\u001b[2K${line}\n`;
      // A block that got shorter leaves lines below: clear them.
      for (let i = lines.length; i < drawn; i++) text += '\u001b[2K\n';
      const extra = Math.max(0, drawn - lines.length);
      if (extra > 0) text += `\u001b[${extra}F`;
      io.stdout.write(text);
      drawn = lines.length;
    };
    return { update: draw, end: draw };
  }
  let last = 0;
  return {
    update: (r) => {
      const now = Date.now();
      if (now - last < NON_TTY_INTERVAL_MS) return;
      last = now;
      io.stdout.write(`${progressLine(r)}\n`);
    },
    end: (r) => {
      if (r.status !== 'complete') io.stdout.write(`${progressLine(r)}\n`);
    },
  };
}
