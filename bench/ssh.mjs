#!/usr/bin/env node
// ssh:// engines side by side: the first command over SSH (stevedore opens the shared connection) and a
// later one (it reuses it), beside `docker -H ssh://…`, which opens a new ssh connection for every command.
// Against the test world's real sshd, whose sessions reach its second dockerd. Both tools use the system ssh
// with the world's ssh_config: stevedore through STEVEDORE_SSH_CONFIG, docker (which has no such setting)
// through an `ssh` on PATH that adds `-F` and runs the real /usr/bin/ssh. Medians of interleaved runs after a
// warm-up round. It is the `ssh` section of `npm run bench` (bench/run.mjs); run alone (after `npm run build`):
//
//   node bench/ssh.mjs [--runs N] [--own-world] [--world-file F]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { alternate, median, ms, pick, ratio, signedMs, textTable, timeRun } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(root, 'dist', 'cli.js');
/** The first command may cost one ssh login more than docker's (which logs in for every command). */
const FIRST_SLACK_MS = 200;

/**
 * Measures and cleans up; `row(section, what, stevedore, comparison, result, target, verdict)` as in run.mjs.
 * Returns the medians.
 */
export async function sectionSsh({ info, runs, row, say, details }) {
  if (!info.ssh) throw new Error('this test world has no sshd (started by an older checkout?): use --own-world');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sd-bench-ssh-'));
  const control = path.join(info.root, 'ssh', `bench${process.pid}`);
  fs.mkdirSync(control, { mode: 0o700 });
  const closeShared = () => {
    for (const f of fs.readdirSync(control)) spawnSync('/usr/bin/ssh', ['-F', info.ssh.clientConfig, '-S', path.join(control, f), '-O', 'exit', 'x'], { stdio: 'ignore' });
  };
  try {
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'ssh'), `#!/bin/sh\nexec /usr/bin/ssh -F ${info.ssh.clientConfig} "$@"\n`, { mode: 0o755 });
    const base = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
    const sdEnv = {
      ...base,
      STEVEDORE_CONFIG_DIR: path.join(tmp, 'config'),
      STEVEDORE_SSH_CONFIG: info.ssh.clientConfig,
      STEVEDORE_SSH_CONTROL_DIR: control,
      DOCKER_CONFIG: path.join(tmp, 'docker'),
    };
    const dockerEnv = { ...base, PATH: `${bin}:${process.env.PATH}`, DOCKER_CONFIG: path.join(tmp, 'docker') };
    timeRun(process.execPath, [CLI, 'engine', 'add', 'nas', '--host', info.ssh.url], { env: sdEnv });
    const docker = ['/usr/bin/docker', '/usr/local/bin/docker'].find((d) => fs.existsSync(d));
    say?.('ssh: image list over the world\'s sshd, stevedore and docker in turn…');
    const samples = await alternate(
      [
        {
          name: 'first',
          run: () => {
            closeShared();
            return timeRun(process.execPath, [CLI, 'image', 'list', '--engine', 'nas', '--json'], { env: sdEnv });
          },
        },
        {
          name: 'later',
          run: () => {
            timeRun(process.execPath, [CLI, 'engine', 'list', '--json'], { env: sdEnv, allowFailure: true }); // the shared connection is up
            return timeRun(process.execPath, [CLI, 'image', 'list', '--engine', 'nas', '--json'], { env: sdEnv });
          },
        },
        { name: 'docker', cmd: docker, args: ['-H', info.ssh.url, 'images', '--format', '{{json .}}'], env: dockerEnv },
      ],
      { runs },
    );
    const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(pick(v))]));
    if (details) details.ssh = { runs, medians: m };
    const cmp = `\`${docker} -H ssh://… images\` ${ms(m.docker)}`;
    row?.('ssh', '`image list` over SSH, first command (opens the shared connection)', ms(m.first), cmp, `${signedMs(m.first - m.docker)} (${ratio(m.first, m.docker)})`, `≤ +${FIRST_SLACK_MS} ms`, m.first - m.docker <= FIRST_SLACK_MS);
    row?.('ssh', '`image list` over SSH, a later command (shared connection)', ms(m.later), cmp, `${signedMs(m.later - m.docker)} (${ratio(m.later, m.docker)})`, '≤ 1×', m.later <= m.docker);
    return { m, docker, samples };
  } finally {
    closeShared();
    fs.rmSync(control, { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// Run alone.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { register } = await import('tsx/esm/api');
  register();
  const { openWorld } = await import('./world.mjs');
  const argv = process.argv.slice(2);
  const flag = (name) => argv.includes(name);
  const value = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
  const runs = Number(value('--runs', '10'));
  const say = (line) => console.error(`[bench:ssh] ${line}`);
  if (!fs.existsSync(CLI)) throw new Error('run `npm run build` first');
  const world = await openWorld({ worldFile: value('--world-file', null), own: flag('--own-world'), say });
  try {
    const rows = [];
    const { m, samples } = await sectionSsh({ info: world.info, runs, say, row: (_s, what, sd, cmp, result) => rows.push({ what, sd, cmp, result }) });
    console.log(textTable(rows, ['what', 'sd', 'cmp', 'result']));
    console.log(`medians of ${runs} interleaved runs after a warm-up round; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, Node ${process.version}`);
    fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
    fs.writeFileSync(path.join(root, 'bench', 'results', 'ssh.json'), JSON.stringify({ when: new Date().toISOString(), runs, medians: m, samples }, null, 2));
  } finally {
    await world.stop();
  }
}
