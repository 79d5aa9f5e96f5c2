// `stevedore watch install | remove | status [--system]` (DESIGN.md CLI grammar, issue 22): `watch --once` on
// the `updates.interval`, run by what the host already has. With systemd (it is running: /run/systemd/system),
// a timer and a oneshot service: user units in $XDG_CONFIG_HOME/systemd/user, or with --system in
// /etc/systemd/system; enabled with `systemctl [--user] enable --now`. Without systemd, one crontab line (the
// schedule cron can say closest to the interval), marked so it can be found and removed. stevedore never
// starts a daemon of its own: the timer or cron starts `watch --once`, which does one round and exits.
// The unit text and the crontab line are pure (tested with `systemd-analyze verify` and `crontab -l`).
// A little over 300 lines: both schedulers (systemd units and crontab) with install, remove and status, side by side.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AppError, Forbidden, InvalidInput } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';

export const UNIT = 'stevedore-watch';
export const CRON_MARK = '# stevedore-watch';

/** The variables a scheduled round needs to find the same engine, settings, registries and proxies. */
export const CARRIED_ENV = [
  'STEVEDORE_CONFIG_DIR',
  'XDG_CONFIG_HOME',
  'DOCKER_HOST',
  'DOCKER_CONTEXT',
  'DOCKER_CONFIG',
  'DOCKER_TLS_VERIFY',
  'DOCKER_CERT_PATH',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'STEVEDORE_HUB_API',
  'STEVEDORE_HUB_REGISTRY',
] as const;

export interface SelfCommand {
  /** The program that runs stevedore (node, or the single-file binary). */
  execPath: string;
  /** Its arguments before stevedore's own (the script path for node). */
  args: string[];
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ScheduleDeps {
  env: NodeJS.ProcessEnv;
  self: SelfCommand;
  /** Extra arguments of `watch --once` (`--engine NAME` when one was given). */
  extraArgs: string[];
  /** Runs a program (with a deadline) and returns its exit code and output. */
  run: (command: string, args: string[], input?: string) => Promise<RunResult>;
  /** Is systemd the init system here? */
  systemd: () => boolean;
  /** Where the settings are (spreads the cron minute between users and hosts). */
  configDir: string;
}

export type ScheduleMethod = 'systemd-user' | 'systemd-system' | 'cron';

export interface ScheduleState {
  method: ScheduleMethod;
  installed: boolean;
  /** Unit files (systemd) that exist. */
  files: string[];
  /** The crontab line (cron) when installed. */
  line: string | null;
  /** What systemctl says about the timer (`active`, `inactive`…), when it was asked. */
  timer: string | null;
}

export interface InstallResult extends ScheduleState {
  /** When cron cannot say the interval exactly: what it runs instead. */
  note: string | null;
}

// ---- pure parts ------------------------------------------------------------------------------------------

/** Escapes one word for a systemd ExecStart/Environment line (quotes, backslashes, `%` specifiers, `$`). */
export function systemdQuote(word: string): string {
  return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

/** One word for /bin/sh (cron runs its lines with it); `%` is cron's newline and must be escaped. */
export function shellQuote(word: string): string {
  const quoted = /^[A-Za-z0-9_./:=@,+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
  return quoted.replace(/%/g, '\\%');
}

function carried(env: NodeJS.ProcessEnv): Array<[string, string]> {
  return CARRIED_ENV.flatMap((k) => {
    const v = env[k];
    return v !== undefined && v !== '' && !/[\r\n]/.test(v) ? [[k, v] as [string, string]] : [];
  });
}

/** `6h` in systemd's time span syntax (it reads `6h`, `30min`, `2d`: our units but minutes). */
function timeSpan(ms: number): string {
  const s = Math.max(60, Math.round(ms / 1000));
  if (s % 86_400 === 0) return `${s / 86_400}d`;
  if (s % 3_600 === 0) return `${s / 3_600}h`;
  if (s % 60 === 0) return `${s / 60}min`;
  return `${s}s`;
}

export interface UnitFiles {
  service: string;
  timer: string;
}

export function systemdUnits(o: { self: SelfCommand; extraArgs: string[]; env: NodeJS.ProcessEnv; intervalMs: number }): UnitFiles {
  const exec = [o.self.execPath, ...o.self.args].map(systemdQuote).join(' ');
  const env = carried(o.env).map(([k, v]) => `Environment=${systemdQuote(`${k}=${v}`)}`);
  const extra = o.extraArgs.map(systemdQuote).join(' ');
  const service = [
    '[Unit]',
    'Description=stevedore: check the local images for updates and notify (stevedore watch --once)',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    ...env,
    `ExecStart=${exec} watch --once${extra ? ` ${extra}` : ''}`,
    '',
  ].join('\n');
  const timer = [
    '[Unit]',
    `Description=stevedore: update checks every ${timeSpan(o.intervalMs)} (updates.interval)`,
    '',
    '[Timer]',
    'OnBootSec=5min',
    `OnUnitActiveSec=${timeSpan(o.intervalMs)}`,
    'RandomizedDelaySec=2min',
    `Unit=${UNIT}.service`,
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
  return { service, timer };
}

const MINUTE_STEPS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];
const HOUR_STEPS = [1, 2, 3, 4, 6, 8, 12];

function nearest(value: number, steps: readonly number[]): number {
  return steps.reduce((best, s) => (Math.abs(s - value) < Math.abs(best - value) ? s : best), steps[0] ?? 1);
}

/** The cron schedule closest to an interval, and what it really is when not the same. */
export function cronSchedule(intervalMs: number, minute: number): { spec: string; everyMs: number } {
  const m = Math.max(1, Math.round(intervalMs / 60_000));
  if (m < 60) {
    const step = nearest(m, MINUTE_STEPS);
    return { spec: step === 1 ? '* * * * *' : `*/${step} * * * *`, everyMs: step * 60_000 };
  }
  const h = Math.round(intervalMs / 3_600_000);
  if (h < 24) {
    const step = nearest(h, HOUR_STEPS);
    return { spec: `${minute} ${step === 1 ? '*' : `*/${step}`} * * *`, everyMs: step * 3_600_000 };
  }
  const d = Math.max(1, Math.round(intervalMs / 86_400_000));
  return { spec: `${minute} 3 ${d === 1 ? '*' : `*/${d}`} * *`, everyMs: d * 86_400_000 };
}

/**
 * The crontab line. Its output is not redirected: `watch --once` prints only when it told something or failed,
 * so cron mails exactly that (MAILTO) and nothing on quiet rounds.
 */
export function cronLine(o: { self: SelfCommand; extraArgs: string[]; env: NodeJS.ProcessEnv; intervalMs: number; minute: number }): { line: string; everyMs: number } {
  const { spec, everyMs } = cronSchedule(o.intervalMs, o.minute);
  const env = carried(o.env).map(([k, v]) => `${k}=${shellQuote(v)}`);
  const command = [o.self.execPath, ...o.self.args, 'watch', '--once', ...o.extraArgs].map(shellQuote);
  return { line: `${spec} ${[...env, ...command].join(' ')} ${CRON_MARK}`, everyMs };
}

/** A crontab without stevedore's line(s). */
export function withoutOurs(crontab: string): string[] {
  const lines = crontab.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.filter((l) => !l.endsWith(CRON_MARK));
}

/** A stable minute per settings folder, so many hosts (or users) do not all ask at :00. */
export function minuteFor(key: string): number {
  let h = 0;
  for (const c of key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % 60;
}

// ---- doing it --------------------------------------------------------------------------------------------

export interface Schedule {
  install(o: { system: boolean; intervalMs: number }): Promise<InstallResult>;
  remove(o: { system: boolean }): Promise<ScheduleState>;
  status(o: { system: boolean }): Promise<ScheduleState>;
}

export function unitDir(env: NodeJS.ProcessEnv, system: boolean): string {
  if (system) return '/etc/systemd/system';
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(base, 'systemd', 'user');
}

export function createSchedule(deps: ScheduleDeps): Schedule {
  const systemctl = async (system: boolean, args: string[]): Promise<RunResult> => deps.run('systemctl', system ? args : ['--user', ...args]);
  const mustSucceed = (r: RunResult, what: string): void => {
    if (r.code === 0) return;
    const said = sanitizeLine(r.stderr || r.stdout).slice(0, 200);
    throw new AppError(502, `${what} failed${said ? `: ${said}` : ''}`, { hint: 'the unit files are written; see `systemctl --user status stevedore-watch.timer` (or without --user for --system)' });
  };
  const paths = (system: boolean): { service: string; timer: string } => {
    const dir = unitDir(deps.env, system);
    return { service: join(dir, `${UNIT}.service`), timer: join(dir, `${UNIT}.timer`) };
  };
  const readCrontab = async (): Promise<string> => {
    const r = await deps.run('crontab', ['-l']);
    if (r.code === 0) return r.stdout;
    if (/no crontab/i.test(r.stderr)) return '';
    throw new AppError(502, `crontab -l failed: ${sanitizeLine(r.stderr).slice(0, 200)}`);
  };
  const writeCrontab = async (lines: string[]): Promise<void> => {
    const r = lines.length > 0 ? await deps.run('crontab', ['-'], `${lines.join('\n')}\n`) : await deps.run('crontab', ['-r']);
    if (r.code !== 0 && !(lines.length === 0 && /no crontab/i.test(r.stderr))) throw new AppError(502, `crontab failed: ${sanitizeLine(r.stderr).slice(0, 200)}`);
  };
  const method = (system: boolean): ScheduleMethod => (deps.systemd() ? (system ? 'systemd-system' : 'systemd-user') : 'cron');
  const write = (file: string, text: string): void => {
    try {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, text, { mode: 0o644 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') throw new Forbidden(`cannot write ${file}`, { hint: 'system units need root: sudo stevedore watch install --system' });
      throw error;
    }
  };

  const status = async ({ system }: { system: boolean }): Promise<ScheduleState> => {
    const m = method(system);
    if (m === 'cron') {
      const line = (await readCrontab()).split('\n').find((l) => l.endsWith(CRON_MARK)) ?? null;
      return { method: m, installed: line !== null, files: [], line, timer: null };
    }
    const p = paths(system);
    const files = [p.service, p.timer].filter((f) => existsSync(f));
    let timer: string | null = null;
    if (files.length > 0) {
      const r = await systemctl(system, ['is-active', `${UNIT}.timer`]);
      timer = sanitizeLine(r.stdout).trim() || null;
    }
    return { method: m, installed: files.length === 2, files, line: null, timer };
  };

  return {
    async install({ system, intervalMs }) {
      const m = method(system);
      if (m === 'cron') {
        if (system) throw new InvalidInput('--system is for systemd; without it, the line goes into your own crontab');
        const { line, everyMs } = cronLine({ self: deps.self, extraArgs: deps.extraArgs, env: deps.env, intervalMs, minute: minuteFor(deps.configDir) });
        await writeCrontab([...withoutOurs(await readCrontab()), line]);
        const note = everyMs !== intervalMs ? `cron cannot run every ${timeSpan(intervalMs)}: it runs every ${timeSpan(everyMs)}` : null;
        return { ...(await status({ system })), note };
      }
      const units = systemdUnits({ self: deps.self, extraArgs: deps.extraArgs, env: deps.env, intervalMs });
      const p = paths(system);
      write(p.service, units.service);
      write(p.timer, units.timer);
      mustSucceed(await systemctl(system, ['daemon-reload']), 'systemctl daemon-reload');
      mustSucceed(await systemctl(system, ['enable', '--now', `${UNIT}.timer`]), `systemctl enable --now ${UNIT}.timer`);
      return { ...(await status({ system })), note: null };
    },
    async remove({ system }) {
      const m = method(system);
      if (m === 'cron') {
        await writeCrontab(withoutOurs(await readCrontab()));
        return status({ system });
      }
      const p = paths(system);
      if (existsSync(p.timer)) await systemctl(system, ['disable', '--now', `${UNIT}.timer`]);
      for (const f of [p.service, p.timer]) rmSync(f, { force: true });
      mustSucceed(await systemctl(system, ['daemon-reload']), 'systemctl daemon-reload');
      return status({ system });
    },
    status,
  };
}

/** systemd is the running init system (sd_booted: /run/systemd/system exists). */
export function systemdRunning(): boolean {
  return existsSync('/run/systemd/system');
}

/** Runs a program with a deadline (systemctl, crontab): never waits forever, never throws for an exit code. */
export function runWithDeadline(command: string, args: string[], input?: string, timeoutMs = 15_000): Promise<RunResult> {
  return import('node:child_process').then(
    ({ spawn }) =>
      new Promise<RunResult>((resolve) => {
        const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: 127, stdout, stderr: error.code === 'ENOENT' ? `${command}: not found` : error.message }));
        child.on('close', (code, signal) => resolve({ code: signal ? 124 : code, stdout, stderr: signal ? `${command} did not finish within ${timeoutMs / 1000} s` : stderr }));
        child.stdin.on('error', () => undefined);
        child.stdin.end(input);
      }),
  );
}
