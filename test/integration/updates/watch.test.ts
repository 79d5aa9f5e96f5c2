// The NAS caretaker (issue 22) through the built CLI against the real test world: scheduled rounds
// (`watch --once`, what the timer or cron runs) with a new image pushed under the same tag in between, told
// to a real webhook receiver and a real SMTP server (aiosmtpd, STARTTLS + AUTH); a failing notifier reported
// and served next round; `serve --watch` doing the same inside serve; `image update` keeping the replaced image
// and `image rollback` going back to it;
// `watch install` writing a crontab line (`crontab -l`); `image tags --versions` on a plain registry.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, run as runProcess } from '../../world/proc.js';
import { describeWorld } from '../../world/harness.js';
import { docker, pushImage, putTags, removeAllImages, startSmtpServer, startWebhookReceiver, type SmtpServer, type WebhookReceiver, type WorldInfo } from '../../world/index.js';
import { assertBuilt, json, run, session, start, workerGone, type Session } from '../engine/helpers.js';

interface Round {
  event: 'round';
  checked: number;
  updates: number;
  requests: { head: number; get: number; tag_lists: number };
  notices: Array<{ name: string; tag: string; from_version: string | null; to_version: string | null; release_notes: string | null }>;
  deliveries: Array<{ notifier: string; kind: string; notices: number; error: string | null }>;
}

async function dockerOk(world: WorldInfo, args: string[]): Promise<string> {
  const r = await docker(world, args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

const SOURCE = 'https://github.com/example/watched-app';
const image = (n: number, version?: string) => ({
  layers: [2_000 + n],
  config: { Cmd: ['/app'], ...(version ? { Labels: { 'org.opencontainers.image.version': version, 'org.opencontainers.image.source': SOURCE } } : {}) },
  created: '2024-05-01T00:00:00Z',
});

describeWorld('watch, notifiers and rollback against the test world', (world) => {
  const suffix = `-${process.pid}`;
  const plain = world.registries.plain;
  const app = `${plain.host}/care/app${suffix}`;
  const other = `${plain.host}/care/other${suffix}`;
  const dir = mkdtempSync(join(tmpdir(), 'sd-care-'));
  let hook: WebhookReceiver;
  let smtp: SmtpServer;
  let s: Session;
  const round = async (expectCode = 0): Promise<{ round: Round; stderr: string }> => {
    const r = await run(s, ['watch', '--once', '--json']);
    expect(r.code, r.stderr + r.stdout).toBe(expectCode);
    return { round: JSON.parse(r.stdout.trim()) as Round, stderr: r.stderr };
  };
  // Unfolded headers, quoted-printable soft breaks joined, the arrow decoded.
  const mailText = (i: number): string =>
    (smtp.messages()[i]?.raw ?? '')
      .replace(/\r?\n[ \t]+/g, ' ')
      .replace(/=\r?\n/g, '')
      .replace(/=E2=86=92/g, '→');

  beforeAll(async () => {
    assertBuilt();
    await removeAllImages(world);
    [hook, smtp] = await Promise.all([startWebhookReceiver(), startSmtpServer(join(dir, 'smtp'))]);
    // The SMTP server's certificate is signed by a CA of its own: trusted the way a user would (NODE_EXTRA_CA_CERTS).
    s = session(world, { NODE_EXTRA_CA_CERTS: smtp.caFile });
    await pushImage(plain, `care/app${suffix}`, 'latest', image(1, '1.27.2'));
    await putTags(plain, `care/app${suffix}`, 'latest', ['1.27.2']);
    await pushImage(plain, `care/other${suffix}`, '1.0', image(2));
    await dockerOk(world, ['pull', '--quiet', `${app}:latest`]);
    await dockerOk(world, ['pull', '--quiet', `${other}:1.0`]);
    const added = await run(s, ['notify', 'add', 'hook', '--webhook', `${hook.url}/hooks/stevedore`, '--password-stdin'], 'hook-token-123\n');
    expect(added.code, added.stderr).toBe(0);
    const mail = await run(s, ['notify', 'add', 'mail', '--smtp', `smtp://${smtp.user}@127.0.0.1:${smtp.port}`, '--to', 'nas-owner@example.org', '--password-stdin'], `${smtp.password}\n`);
    expect(mail.code, mail.stderr).toBe(0);
  });

  afterAll(async () => {
    await Promise.all([hook?.close(), smtp?.stop()]);
    await removeAllImages(world);
    if (s) {
      await workerGone(s);
      rmSync(s.configDir, { recursive: true, force: true });
    }
    rmSync(dir, { recursive: true, force: true });
  });

  describe('scheduled rounds', () => {
    it('`notify list` shows where notices go and never a secret; the file is 0600', async () => {
      const r = await run(s, ['notify', 'list', '--json']);
      expect(r.stdout).not.toContain('hook-token-123');
      expect(r.stdout).not.toContain(smtp.password);
      const list = JSON.parse(r.stdout) as Array<{ name: string; secret: string | null }>;
      expect(list.map((n) => [n.name, n.secret])).toEqual([['hook', '********'], ['mail', '********']]);
      const mode = await runProcess('stat', ['-c', '%a', join(s.configDir, 'notifiers.json')]);
      expect(mode.stdout.trim()).toBe('600');
    });

    it('a round with nothing new tells nobody and prints nothing in human mode', async () => {
      const { round: r } = await round();
      expect(r).toMatchObject({ updates: 0, deliveries: [], notices: [] });
      expect(r.requests.get).toBe(0);
      const human = await run(s, ['watch', '--once']);
      expect(human).toMatchObject({ code: 0, stdout: '' });
      expect(hook.requests).toHaveLength(0);
      expect(smtp.messages()).toHaveLength(0);
    });

    it('a new image under the tag: exactly one notice per notifier, naming the image and the versions; the next round is quiet', async () => {
      await pushImage(plain, `care/app${suffix}`, 'latest', image(3, '1.27.3'));
      await putTags(plain, `care/app${suffix}`, 'latest', ['1.27.3', '1.27']);
      const { round: r } = await round();
      expect(r.notices).toEqual([{ name: app, tag: 'latest', remote_digest: expect.stringMatching(/^sha256:/), from_version: '1.27.2', to_version: '1.27.3', release_notes: `${SOURCE}/releases` }]);
      expect(r.deliveries).toEqual([
        { notifier: 'hook', kind: 'webhook', notices: 1, error: null },
        { notifier: 'mail', kind: 'smtp', notices: 1, error: null },
      ]);
      expect(hook.requests).toHaveLength(1);
      const req = hook.requests[0];
      expect(req).toMatchObject({ method: 'POST', path: '/hooks/stevedore', status: 200 });
      expect(req?.headers.authorization).toBe('Bearer hook-token-123');
      const body = JSON.parse(req?.body ?? '{}') as { title: string; message: string; updates: Array<Record<string, unknown>> };
      expect(body.updates).toEqual([expect.objectContaining({ name: app, tag: 'latest', from_version: '1.27.2', to_version: '1.27.3' })]);
      expect(body.message).toContain(`${app}:latest 1.27.2 → 1.27.3 (release notes: ${SOURCE}/releases)`);
      const mails = smtp.messages();
      expect(mails).toHaveLength(1);
      expect(mails[0]?.envelope).toMatchObject({ to: ['nas-owner@example.org'], tls: true, authenticated: true });
      expect(mailText(0)).toContain(`Subject: [stevedore] Update for ${app}:latest`);
      expect(mailText(0)).toContain(`${app}:latest 1.27.2 → 1.27.3`);

      const again = await round();
      expect(again.round.deliveries).toEqual([]);
      expect(again.round.updates).toBe(1); // still available, already told
      expect(hook.requests).toHaveLength(1);
      expect(smtp.messages()).toHaveLength(1);
    });

    it('a notifier that fails is reported and served next round; several new images go in one message', async () => {
      await pushImage(plain, `care/app${suffix}`, 'latest', image(4, '1.27.4'));
      await putTags(plain, `care/app${suffix}`, 'latest', ['1.27.4']);
      await pushImage(plain, `care/other${suffix}`, '1.0', image(5));
      hook.failNext(1, 503);
      const failed = await round(1);
      expect(failed.round.deliveries).toEqual([
        { notifier: 'hook', kind: 'webhook', notices: 2, error: expect.stringMatching(/answered 503/) },
        { notifier: 'mail', kind: 'smtp', notices: 2, error: null },
      ]);
      expect(failed.stderr).toMatch(/^error: hook \(webhook\) did not take the notice: .*answered 503.*; it is tried again next round$/m);
      expect(failed.stderr).not.toContain('hook-token-123');
      expect(smtp.messages()).toHaveLength(2);
      expect(mailText(1)).toContain('Subject: [stevedore] 2 image updates on');
      expect(mailText(1)).toContain(`${app}:latest 1.27.2 → 1.27.4`);
      expect(mailText(1)).toMatch(new RegExp(`${other.replace(/[.]/g, '\\.')}:1\\.0 new image [0-9a-f]{12} \\(was [0-9a-f]{12}\\)`));
      const status = await json<{ last_round: { failed: Record<string, string>; notified: Record<string, number> } }>(s, ['watch', 'status']);
      expect(status.last_round.notified).toEqual({ mail: 2 });
      expect(Object.keys(status.last_round.failed)).toEqual(['hook']);

      const retried = await round();
      expect(retried.round.deliveries).toEqual([{ notifier: 'hook', kind: 'webhook', notices: 2, error: null }]);
      expect(hook.delivered()).toHaveLength(2);
      const body = JSON.parse(hook.delivered()[1]?.body ?? '{}') as { updates: Array<{ name: string }> };
      expect(body.updates.map((u) => u.name).sort()).toEqual([app, other].sort());
      expect(smtp.messages()).toHaveLength(2);

      const quiet = await round();
      expect(quiet.round.deliveries).toEqual([]);
      expect(hook.requests).toHaveLength(3);
    });

    it('`notify test` sends a sample through each kind', async () => {
      const before = hook.requests.length;
      const r = await run(s, ['notify', 'test', 'hook']);
      expect(r.code, r.stderr).toBe(0);
      expect(hook.requests).toHaveLength(before + 1);
      const t = await run(s, ['notify', 'test', 'mail']);
      expect(t.code, t.stderr).toBe(0);
      expect(smtp.messages()).toHaveLength(3);
      const missing = await run(s, ['notify', 'test', 'nope']);
      expect(missing).toMatchObject({ code: 1, stderr: 'error: notifier not found: nope (see `stevedore notify list`)\n' });
    });

    it('a wrong SMTP password is a one-line 401, never echoing the password', async () => {
      const add = await run(s, ['notify', 'add', 'badmail', '--smtp', `smtp://${smtp.user}@127.0.0.1:${smtp.port}`, '--to', 'x@example.org', '--password-stdin'], 'not-the-password\n');
      expect(add.code).toBe(0);
      const r = await run(s, ['notify', 'test', 'badmail', '--json']);
      expect(r.code).toBe(1);
      expect((JSON.parse(r.stdout) as { error: { code: number; message: string } }).error).toMatchObject({ code: 401, message: expect.stringMatching(/refused the login/) });
      expect(r.stdout + r.stderr).not.toContain('not-the-password');
      expect((await run(s, ['notify', 'rm', 'badmail'])).code).toBe(0);
    });
  });

  describe('serve --watch', () => {
    it('runs the rounds inside serve: the first at start, its notice to the notifiers, stopped with serve', async () => {
      await pushImage(plain, `care/other${suffix}`, '1.0', image(6));
      const passwd = await run(s, ['serve', 'passwd', '--password-stdin'], 'serve-password-1\n');
      expect(passwd.code, passwd.stderr).toBe(0);
      const before = hook.requests.length;
      const port = await freePort();
      const served = start(s, ['serve', '--watch', '--json', '--listen', `127.0.0.1:${port}`]);
      try {
        const line = await served.waitForLine((l) => l.includes('"event":"round"'), 60_000);
        const r = JSON.parse(line) as Round;
        expect(r.deliveries).toEqual([
          { notifier: 'hook', kind: 'webhook', notices: 1, error: null },
          { notifier: 'mail', kind: 'smtp', notices: 1, error: null },
        ]);
        expect(hook.requests).toHaveLength(before + 1);
        expect((JSON.parse(hook.requests.at(-1)?.body ?? '{}') as { updates: Array<{ name: string }> }).updates.map((u) => u.name)).toEqual([other]);
      } finally {
        served.child.kill('SIGTERM');
      }
      const done = await served.exited;
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toMatch(/"event":"stopped"/);
    });
  });

  describe('rollback', () => {
    it('`image update` keeps the replaced image; `image rollback` puts the tag back on it and prints the pin', async () => {
      const ref = `${app}:latest`;
      const oldId = await dockerOk(world, ['image', 'inspect', '--format', '{{.Id}}', ref]);
      const oldDigests = JSON.parse(await dockerOk(world, ['image', 'inspect', '--format', '{{json .RepoDigests}}', ref])) as string[];
      const updated = await run(s, ['image', 'update', ref, '--remove-old', '--json']);
      expect(updated.code, updated.stderr + updated.stdout).toBe(0);
      const last = JSON.parse(updated.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
      expect(last).toMatchObject({ event: 'updated', old_id: oldId, removed_old: [], kept_old: expect.stringMatching(/^kept for `stevedore image rollback` until /) });
      const newId = await dockerOk(world, ['image', 'inspect', '--format', '{{.Id}}', ref]);
      expect(newId).not.toBe(oldId);
      expect((await docker(world, ['image', 'inspect', oldId])).code).toBe(0); // kept, not removed

      const list = await json<{ results: Array<{ name: string; images: Array<{ tag: string; id: string; previous: { id: string; pin: string | null } | null }> }> }>(s, ['image', 'list']);
      const row = list.results.find((x) => x.name === app)?.images.find((i) => i.tag === 'latest');
      expect(row).toMatchObject({ id: newId, previous: { id: oldId, pin: oldDigests[0] } });

      const back = await run(s, ['image', 'rollback', ref, '--json']);
      expect(back.code, back.stderr).toBe(0);
      expect(JSON.parse(back.stdout)).toEqual({ name: ref, id: oldId, replaced_id: newId, digest: oldDigests[0]?.split('@')[1], pin: oldDigests[0] });
      expect(await dockerOk(world, ['image', 'inspect', '--format', '{{.Id}}', ref])).toBe(oldId);

      // The image rolled back from is kept in turn: a second rollback goes forward again.
      const human = await run(s, ['image', 'rollback', ref]);
      expect(human.code, human.stderr).toBe(0);
      expect(human.stdout).toContain(`${ref}: rolled back to ${newId.slice(7, 19)}`);
      expect(await dockerOk(world, ['image', 'inspect', '--format', '{{.Id}}', ref])).toBe(newId);
    });

    it('without a kept image, rollback is a one-line 404', async () => {
      const r = await run(s, ['image', 'rollback', `${other}:1.0`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: no previous image is kept for .*:1\.0 \(an update keeps the image it replaces/);
    });
  });

  describe('versions on a registry without digests in its tag list', () => {
    it('`image tags --versions` names the version tags that are the same image as latest', async () => {
      await putTags(plain, `care/app${suffix}`, '1.27.4', ['1.27', 'stable']);
      const out = await json<{ details: Array<{ name: string; same_as: string[] }> }>(s, ['image', 'tags', `${app}`, '--versions']);
      expect(out.details.find((d) => d.name === 'latest')?.same_as).toEqual(['1.27.4', '1.27']);
      const human = await run(s, ['image', 'tags', app, '--versions']);
      expect(human.stdout.split('\n')[0]).toBe('latest = 1.27.4, also 1.27');
    });
  });

  describe('versions on Docker Hub (the stand-in: tags with digests)', () => {
    it('`latest = …` from the tag list alone: the recorded page and a computed one', async () => {
      await fetch(`${world.hubApi}/__stats`, { method: 'DELETE' });
      const diun = await json<{ details: Array<{ name: string; digest: string | null; same_as: string[] }> }>(s, ['image', 'tags', 'crazymax/diun']);
      expect(diun.details.find((d) => d.name === 'latest')?.same_as).toEqual(['4.24.0', '4.24', '4']);
      expect(diun.details.find((d) => d.name === '4.23')?.same_as).toEqual(['4.23.1']);
      expect(diun.details.find((d) => d.name === '4.22')?.same_as).toEqual([]);
      const alpine = await json<{ details: Array<{ name: string; same_as: string[] }> }>(s, ['image', 'tags', 'alpine']);
      expect(alpine.details.find((d) => d.name === 'latest')?.same_as).toEqual(['3.20']);
      const human = await run(s, ['image', 'tags', 'crazymax/diun']);
      expect(human.stdout.split('\n')[0]).toBe('latest = 4.24.0, also 4.24, 4');
      // At no extra cost: the tag pages only (no tag-by-tag requests).
      const stats = (await (await fetch(`${world.hubApi}/__stats`)).json()) as { requests: Record<string, number> };
      expect(Object.keys(stats.requests).every((p) => /\/tags\/?$/.test(p))).toBe(true);
    });

    it('`image inspect --remote` shows the version and the source with its release notes', async () => {
      const r = await run(s, ['image', 'inspect', '--remote', `${app}:1.27.4`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^Version: +1\.27\.4$/m);
      expect(r.stdout).toMatch(new RegExp(`^Source: +${SOURCE} \\(release notes: ${SOURCE}/releases\\)$`, 'm'));
    });
  });

  describe('watch install with cron', () => {
    let saved: string | null = null;
    beforeAll(async () => {
      const r = await runProcess('crontab', ['-l']);
      saved = r.code === 0 ? r.stdout : null;
    });
    afterAll(async () => {
      if (saved === null) await runProcess('crontab', ['-r']);
      else await runProcess('crontab', ['-'], { input: saved });
    });

    it('writes one marked crontab line that runs `watch --once`, shows it in status, and takes it out again', async () => {
      const before = (await runProcess('crontab', ['-l'])).stdout;
      const installed = await run(s, ['watch', 'install', '--json']);
      expect(installed.code, installed.stderr).toBe(0);
      expect(JSON.parse(installed.stdout)).toMatchObject({ method: 'cron', installed: true, interval: '6h' });
      const tab = (await runProcess('crontab', ['-l'])).stdout;
      const ours = tab.split('\n').filter((l) => l.endsWith('# stevedore-watch'));
      expect(ours).toHaveLength(1);
      expect(ours[0]).toMatch(/^\d{1,2} \*\/6 \* \* \* /);
      expect(ours[0]).toContain(`STEVEDORE_CONFIG_DIR=${s.configDir}`);
      expect(ours[0]).toContain(' watch --once # stevedore-watch');
      // Installing twice leaves one line; other lines stay.
      expect((await run(s, ['watch', 'install'])).code).toBe(0);
      expect((await runProcess('crontab', ['-l'])).stdout.split('\n').filter((l) => l.endsWith('# stevedore-watch'))).toHaveLength(1);
      const status = await run(s, ['watch', 'status']);
      expect(status.stdout).toMatch(/^installed \(cron\): your crontab: /);
      const removed = await run(s, ['watch', 'remove', '--json']);
      expect(JSON.parse(removed.stdout)).toMatchObject({ installed: false });
      const after = await runProcess('crontab', ['-l']);
      expect(after.code === 0 ? after.stdout : '').toBe(before);
    });
  });
});
