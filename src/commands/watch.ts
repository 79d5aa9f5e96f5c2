// stevedore watch [--once] [--interval DURATION]     check for updates on a schedule, notify once per new digest
// stevedore watch install | remove | status [--system] a systemd timer (user unit unless --system), else a crontab line
// (DESIGN.md "Updates", issue 22). `--once` is what the timer and cron run: quiet when nothing is new (so cron
// mails only news and failures), a line per notifier otherwise, exit 1 when a notifier failed (it is tried again
// next round). Without --once the rounds go on every `updates.interval` until Ctrl-C; `serve --watch` runs the
// same loop inside serve (startWatch).
import { type Command, Option } from 'commander';
import { parseDuration } from '../domain/settings';
import { noticeMessage } from '../domain/notice';
import type { WatchRound } from '../services/updates/watch';
import type { RoundRecord } from '../services/updates/watch';
import type { CommandContext } from './context';
import { EXIT } from './output';
import { action, leaf } from './program';
import { selfCommand } from './version';

/** `watch --json`: one line per round. */
export function roundJson(r: WatchRound): Record<string, unknown> {
  return {
    event: 'round',
    at: r.at,
    engine: r.engine,
    checked: r.checked,
    updates: r.updates,
    requests: { head: r.requests.head, get: r.requests.get, tag_lists: r.requests.tagLists },
    notices: r.notices.map((n) => ({ name: n.name, tag: n.tag, remote_digest: n.remoteDigest, from_version: n.fromVersion, to_version: n.toVersion, release_notes: n.releaseNotes })),
    deliveries: r.deliveries.map((d) => ({ notifier: d.notifier, kind: d.kind, notices: d.notices.length, error: d.error })),
    notes: r.notes,
  };
}

/** What a round says to a person: nothing when nothing is new (`quiet`), else a line per notifier. */
export function roundLines(r: WatchRound, host: string, options: { quiet: boolean }): string[] {
  const lines: string[] = [];
  const summary = `${r.at} checked ${r.checked} tag${r.checked === 1 ? '' : 's'}: ${r.updates} with an update, ${r.notices.length} new (${r.requests.head} HEAD, ${r.requests.get} GET)`;
  if (r.deliveries.length === 0) return options.quiet ? [] : [summary];
  if (!options.quiet) lines.push(summary);
  for (const d of r.deliveries) {
    if (d.kind === 'stdout') {
      const m = noticeMessage(d.notices, host);
      lines.push(m.title, ...m.lines.map((l) => `  ${l}`), '(no notifier is set up: `stevedore notify add` sends these to a webhook or by mail)');
    } else if (d.error === null) {
      lines.push(`told ${d.notifier} (${d.kind}) about ${d.notices.length} image${d.notices.length === 1 ? '' : 's'}: ${d.notices.map((n) => `${n.name}:${n.tag}`).join(', ')}`);
    }
  }
  return lines;
}

function lastRoundText(r: RoundRecord | null): string {
  if (!r) return 'last round: none yet';
  const told = Object.entries(r.notified).map(([n, c]) => `${n} ${c}`);
  const failed = Object.entries(r.failed).map(([n, e]) => `${n} (${e})`);
  return `last round: ${r.at}, ${r.checked} tag${r.checked === 1 ? '' : 's'} checked, ${r.updates} with an update${told.length ? `; told ${told.join(', ')}` : ''}${failed.length ? `; FAILED: ${failed.join(', ')}` : ''}`;
}

const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((done) => {
    const timer = setTimeout(finish, ms);
    function finish(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    }
    signal.addEventListener('abort', finish, { once: true });
  });

interface LoopLog {
  round(r: WatchRound, host: string): void;
  error(message: string): void;
}

/**
 * The watch loop in this process (`watch`, `serve --watch`) until `signal` aborts. `interval` in ms, or null to
 * read `updates.interval` before each wait.
 */
export async function runWatchLoop(ctx: CommandContext, interval: number | null, signal: AbortSignal, log: LoopLog): Promise<void> {
  const [{ watchLoop, errorText }, watch, notify, settings] = await Promise.all([
    import('../services/updates/watch'),
    ctx.services.watch(),
    ctx.services.notify(),
    ctx.services.settings(),
  ]);
  try {
    await watchLoop(watch, {
      interval: () => interval ?? parseDuration(settings.all()['updates.interval'], 'updates.interval'),
      signal,
      onRound: (r) => {
        log.round(r, notify.host());
        for (const d of r.deliveries) if (d.error !== null) log.error(`${d.notifier} (${d.kind}) did not take the notice: ${d.error}; it is tried again next round`);
      },
      onError: (e) => log.error(`the round failed: ${errorText(e)}; the next one comes at its time`),
      sleep: abortableSleep,
      clock: { now: () => Date.now() },
    });
  } finally {
    await Promise.allSettled([notify.close(), ctx.services.updates().then((u) => u.close())]);
  }
}

/** `serve --watch`: the loop beside the server; returns the function that stops it (and waits for it). */
export function startWatch(ctx: CommandContext, log: (event: Record<string, unknown>, human: string) => void): () => Promise<void> {
  const stop = new AbortController();
  const running = runWatchLoop(ctx, null, stop.signal, {
    round: (r, host) => log(roundJson(r), roundLines(r, host, { quiet: false }).join('\n')),
    error: (message) => log({ time: new Date().toISOString(), event: 'watch_error', message }, `${new Date().toISOString()} watch: ${message}`),
  }).catch((e: unknown) => log({ time: new Date().toISOString(), event: 'watch_error', message: String(e) }, `watch stopped: ${String(e)}`));
  return async () => {
    stop.abort();
    await running;
  };
}

function durationOption(value: string): number {
  const ms = parseDuration(value, '--interval');
  if (ms < 60_000) throw new Error('--interval must be at least 1m');
  return ms;
}

export function registerWatch(program: Command, ctx: CommandContext): void {
  const watch = program
    .command('watch')
    .description('check for updates on a schedule and notify once per new digest (install | remove | status for a timer)')
    .helpOption('-h, --help', 'show help')
    .helpCommand(false)
    .option('--once', 'one round, then exit (what the timer or cron runs); quiet when nothing is new')
    .addOption(new Option('--interval <duration>', 'time between rounds (default: the updates.interval setting, 6h)').argParser(durationOption))
    .addOption(new Option('--json', 'one JSON line per round'))
    .action(
      action(ctx, async (out, opts: { once?: boolean; interval?: number }) => {
        if (opts.once) {
          const [watch, notify] = await Promise.all([ctx.services.watch(), ctx.services.notify()]);
          try {
            const r = await watch.round();
            for (const note of r.notes) ctx.warnings.add(note);
            if (out.json) out.jsonLine(roundJson(r));
            else {
              const lines = roundLines(r, notify.host(), { quiet: true });
              if (lines.length > 0) ctx.io.stdout.write(`${lines.join('\n')}\n`);
            }
            const failed = r.deliveries.filter((d) => d.error !== null);
            for (const d of failed) ctx.io.stderr.write(`error: ${d.notifier} (${d.kind}) did not take the notice: ${d.error}; it is tried again next round\n`);
            if (failed.length > 0) ctx.setExitCode(EXIT.error);
          } finally {
            await Promise.allSettled([notify.close(), ctx.services.updates().then((u) => u.close())]);
          }
          return;
        }
        const stop = new AbortController();
        const onSignal = (): void => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          await runWatchLoop(ctx, opts.interval ?? null, stop.signal, {
            round: (r, host) => {
              if (out.json) out.jsonLine(roundJson(r));
              else ctx.io.stdout.write(`${roundLines(r, host, { quiet: false }).join('\n')}\n`);
            },
            error: (message) => ctx.io.stderr.write(`error: ${message}\n`),
          });
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }),
    );

  const schedule = async (command: Command) => {
    const [{ createSchedule, runWithDeadline, systemdRunning }, { configDir }] = await Promise.all([import('../services/updates/schedule'), import('../store/paths')]);
    const engine = (command.optsWithGlobals() as { engine?: string }).engine;
    return createSchedule({
      env: ctx.io.env,
      // The same program and script as this run (node and dist/cli.js, or the single file alone).
      self: selfCommand(),
      extraArgs: engine ? ['--engine', engine] : [],
      run: (cmd, args, input) => runWithDeadline(cmd, args, input),
      systemd: systemdRunning,
      configDir: configDir(ctx.io.env),
    });
  };
  const stateJson = (s: import('../services/updates/schedule').ScheduleState, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    method: s.method,
    installed: s.installed,
    files: s.files,
    line: s.line,
    timer: s.timer,
    ...extra,
  });
  const where = (s: import('../services/updates/schedule').ScheduleState): string =>
    s.method === 'cron' ? `your crontab: ${s.line ?? '(no line)'}` : `${s.files.join(', ')}${s.timer ? ` (timer ${s.timer})` : ''}`;

  leaf(watch, ctx, 'install', 'run `watch --once` every updates.interval: a systemd timer (user unit unless --system), else a crontab line')
    .option('--system', 'a system unit in /etc/systemd/system (needs root)')
    .action(
      action(ctx, async (out, opts: { system?: boolean }, command: Command) => {
        const settings = (await ctx.services.settings()).all();
        const intervalMs = parseDuration(settings['updates.interval'], 'updates.interval');
        const result = await (await schedule(command)).install({ system: opts.system ?? false, intervalMs });
        if (result.note) ctx.warnings.add(result.note);
        out.result(stateJson(result, { interval: settings['updates.interval'] }), () => [
          `installed: watch --once every ${settings['updates.interval']} (updates.interval) through ${where(result)}`,
          'It runs one round and exits; `stevedore watch status` shows the last round, `stevedore watch remove` takes it out.',
        ]);
      }),
    );

  leaf(watch, ctx, 'remove', 'take out what `watch install` put in (timer and service, or the crontab line)')
    .option('--system', 'the system unit')
    .action(
      action(ctx, async (out, opts: { system?: boolean }, command: Command) => {
        const result = await (await schedule(command)).remove({ system: opts.system ?? false });
        out.result(stateJson(result), () => `removed: no scheduled watch in ${result.method === 'cron' ? 'your crontab' : 'systemd'} any more`);
      }),
    );

  leaf(watch, ctx, 'status', 'is the scheduled watch installed, and what did its last round do?')
    .option('--system', 'the system unit')
    .action(
      action(ctx, async (out, opts: { system?: boolean }, command: Command) => {
        const [state, last, notifiers, settings] = await Promise.all([
          (await schedule(command)).status({ system: opts.system ?? false }),
          ctx.services.watch().then((w) => w.lastRound()),
          ctx.services.notify().then((n) => n.list()),
          ctx.services.settings().then((s) => s.all()),
        ]);
        out.result(stateJson(state, { interval: settings['updates.interval'], notifiers: notifiers.length, last_round: last }), () => [
          state.installed ? `installed (${state.method}): ${where(state)}` : `not installed (${state.method === 'cron' ? 'no line in your crontab' : 'no timer'}): \`stevedore watch install\` sets it up`,
          `interval: ${settings['updates.interval']} (updates.interval); notifiers: ${notifiers.length}${notifiers.length === 0 ? ' (`stevedore notify add`; without one, news goes to standard output)' : ''}`,
          lastRoundText(last),
        ]);
      }),
    );
}
