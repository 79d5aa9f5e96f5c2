// `watch install` (issue 22): the systemd units are checked by systemd itself (`systemd-analyze verify`, no running
// systemd needed), the cron schedule and quoting by hand, and the systemd install path with a stand-in systemctl
// (a script that records its arguments: no systemd runs on this machine). The crontab path runs against the real
// crontab in test/integration/updates/watch.test.ts.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSchedule, cronLine, cronSchedule, runWithDeadline, shellQuote, systemdUnits, unitDir, withoutOurs } from '../../../../src/services/updates/schedule';
import { tempDir } from '../../helpers';

const self = { execPath: process.execPath, args: ['/opt/stevedore/dist/cli.js'] };
const HOUR = 3_600_000;

describe('systemd units', () => {
  it('pass `systemd-analyze verify` (service and timer), with odd characters in the environment', async () => {
    const dir = tempDir();
    // ExecStart must name files that exist: a script standing for dist/cli.js.
    const script = join(dir, 'cli with space%.js');
    writeFileSync(script, '');
    const env = { STEVEDORE_CONFIG_DIR: '/srv/cfg "quoted" $HOME 100%', DOCKER_HOST: 'unix:///var/run/docker.sock', SECRET_NOT_CARRIED: 'x' };
    const units = systemdUnits({ self: { execPath: process.execPath, args: [script] }, extraArgs: ['--engine', 'nas'], env, intervalMs: 6 * HOUR });
    expect(units.service).toContain('Environment="STEVEDORE_CONFIG_DIR=/srv/cfg \\"quoted\\" $$HOME 100%%"');
    expect(units.service).not.toContain('SECRET_NOT_CARRIED');
    expect(units.timer).toContain('OnUnitActiveSec=6h');
    writeFileSync(join(dir, 'stevedore-watch.service'), units.service);
    writeFileSync(join(dir, 'stevedore-watch.timer'), units.timer);
    const runtime = join(dir, 'run');
    mkdirSync(runtime, { mode: 0o700 });
    for (const mode of [[], ['--user']]) {
      const r = await runWithDeadline('sh', ['-c', `XDG_RUNTIME_DIR=${runtime} exec systemd-analyze verify ${mode.join(' ')} "$0" "$1"`, join(dir, 'stevedore-watch.service'), join(dir, 'stevedore-watch.timer')], undefined, 60_000);
      expect(r.code, r.stderr).toBe(0);
      // verify only warns (exit 0) about unknown values: nothing may be said at all.
      expect(r.stderr.trim()).toBe('');
    }
  });

  it('a span systemd reads for every interval', () => {
    expect(systemdUnits({ self, extraArgs: [], env: {}, intervalMs: 90 * 60_000 }).timer).toContain('OnUnitActiveSec=90min');
    expect(systemdUnits({ self, extraArgs: [], env: {}, intervalMs: 2 * 86_400_000 }).timer).toContain('OnUnitActiveSec=2d');
  });
});

describe('cron', () => {
  it('the schedule closest to the interval', () => {
    expect(cronSchedule(6 * HOUR, 17)).toEqual({ spec: '17 */6 * * *', everyMs: 6 * HOUR });
    expect(cronSchedule(7 * HOUR, 17)).toEqual({ spec: '17 */6 * * *', everyMs: 6 * HOUR });
    expect(cronSchedule(HOUR, 5)).toEqual({ spec: '5 * * * *', everyMs: HOUR });
    expect(cronSchedule(30 * 60_000, 5)).toEqual({ spec: '*/30 * * * *', everyMs: 30 * 60_000 });
    expect(cronSchedule(60_000, 5)).toEqual({ spec: '* * * * *', everyMs: 60_000 });
    expect(cronSchedule(86_400_000, 5)).toEqual({ spec: '5 3 * * *', everyMs: 86_400_000 });
    expect(cronSchedule(7 * 86_400_000, 5)).toEqual({ spec: '5 3 */7 * *', everyMs: 7 * 86_400_000 });
  });

  it('quotes for /bin/sh and escapes cron`s %', () => {
    expect(shellQuote('/usr/bin/node')).toBe('/usr/bin/node');
    expect(shellQuote("it's 100%")).toBe("'it'\\''s 100\\%'");
    const { line } = cronLine({ self, extraArgs: [], env: { STEVEDORE_CONFIG_DIR: '/srv/my cfg' }, intervalMs: 6 * HOUR, minute: 7 });
    expect(line).toBe(`7 */6 * * * STEVEDORE_CONFIG_DIR='/srv/my cfg' ${process.execPath} /opt/stevedore/dist/cli.js watch --once # stevedore-watch`);
  });

  it('takes out only its own line and keeps the rest as it was', () => {
    expect(withoutOurs('MAILTO=me\n\n0 1 * * * backup\n7 */6 * * * x watch --once # stevedore-watch\n')).toEqual(['MAILTO=me', '', '0 1 * * * backup']);
  });
});

describe('install with systemd (a stand-in systemctl records what it is asked)', () => {
  it('writes user units, reloads and enables the timer; remove disables and deletes them', async () => {
    const dir = tempDir();
    const log = join(dir, 'systemctl.log');
    const fake = join(dir, 'systemctl');
    writeFileSync(fake, `#!/bin/sh\necho "$*" >> "${log}"\n[ "$2" = is-active ] && echo active\nexit 0\n`);
    chmodSync(fake, 0o755);
    const env = { HOME: dir, STEVEDORE_CONFIG_DIR: join(dir, 'cfg') };
    const schedule = createSchedule({
      env,
      self,
      extraArgs: [],
      run: (cmd, args, input) => runWithDeadline(cmd === 'systemctl' ? fake : cmd, args, input),
      systemd: () => true,
      configDir: env.STEVEDORE_CONFIG_DIR,
    });
    const installed = await schedule.install({ system: false, intervalMs: 6 * HOUR });
    const units = unitDir(env, false);
    expect(units).toBe(join(dir, '.config', 'systemd', 'user'));
    expect(installed).toMatchObject({ method: 'systemd-user', installed: true, timer: 'active', note: null });
    expect(readFileSync(join(units, 'stevedore-watch.service'), 'utf8')).toContain(`Environment="STEVEDORE_CONFIG_DIR=${env.STEVEDORE_CONFIG_DIR}"`);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['--user daemon-reload', '--user enable --now stevedore-watch.timer', '--user is-active stevedore-watch.timer']);
    const removed = await schedule.remove({ system: false });
    expect(removed).toMatchObject({ installed: false, files: [] });
    expect(existsSync(join(units, 'stevedore-watch.timer'))).toBe(false);
    expect(readFileSync(log, 'utf8')).toContain('--user disable --now stevedore-watch.timer');
  });

  it('a systemctl that fails is a one-line error that says the units are written', async () => {
    const dir = tempDir();
    const fake = join(dir, 'systemctl');
    writeFileSync(fake, '#!/bin/sh\necho "Failed to connect to bus: No medium found" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const schedule = createSchedule({ env: { HOME: dir }, self, extraArgs: [], run: (cmd, args, input) => runWithDeadline(cmd === 'systemctl' ? fake : cmd, args, input), systemd: () => true, configDir: dir });
    await expect(schedule.install({ system: false, intervalMs: HOUR })).rejects.toThrow(/^systemctl daemon-reload failed: Failed to connect to bus: No medium found$/);
  });
});
