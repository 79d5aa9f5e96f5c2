// Notifiers (issue 22): what `notify add` accepts (never a secret in argv), what `notify list` shows, the store
// (0600), and each webhook format against a real HTTP server.
import { statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { webhookRequest, sendWebhook } from '../../../../src/clients/notify/webhook';
import { Transport } from '../../../../src/clients/registry/transport';
import { sampleNotice } from '../../../../src/domain/notice';
import { checkSmtpUrl, notifierJson, type WebhookNotifier } from '../../../../src/domain/notifiers';
import { buildNotifier } from '../../../../src/services/notify/index';
import { NotifierStore } from '../../../../src/store/notifierStore';
import { tempDir } from '../../helpers';

describe('notify add: checks', () => {
  it('refuses secrets in URLs, with the way to give them', () => {
    expect(() => buildNotifier({ name: 'g', webhook: 'https://gotify.example/message?token=abc' })).toThrow(/carries a secret \(token=…\)/);
    expect(() => buildNotifier({ name: 'n', webhook: 'https://u:p@ntfy.example/t' })).toThrow(/must not carry credentials/);
    expect(() => buildNotifier({ name: 'm', smtp: 'smtp://me:pw@mail.example.com', to: ['a@b.org'] })).toThrow(/must not carry a password/);
    expect(() => buildNotifier({ name: 'm', smtp: 'smtp://me@mail.example.com', to: ['a@b.org'] })).toThrow(/needs a password/);
  });

  it('needs exactly one kind, addresses for mail, and a known format', () => {
    expect(() => buildNotifier({ name: 'x' })).toThrow(/exactly one of/);
    expect(() => buildNotifier({ name: 'x', webhook: 'https://h/x', sendmail: true })).toThrow(/exactly one of/);
    expect(() => buildNotifier({ name: 'x', sendmail: true })).toThrow(/--to needs an e-mail address/);
    expect(() => buildNotifier({ name: 'x', sendmail: true, to: ['not-an-address'] })).toThrow(/invalid e-mail address/);
    expect(() => buildNotifier({ name: 'x', webhook: 'https://h/x', format: 'slack' })).toThrow(/--format must be one of json, ntfy, gotify/);
    expect(() => buildNotifier({ name: 'bad name', sendmail: true, to: ['a@b.org'] })).toThrow(/invalid notifier name/);
  });

  it('defaults the SMTP port by scheme; list shows ******** for a secret', () => {
    expect(checkSmtpUrl('smtp://me@mail.example.com')).toBe('smtp://me@mail.example.com:587');
    expect(checkSmtpUrl('smtps://mail.example.com')).toBe('smtps://mail.example.com:465');
    const n = buildNotifier({ name: 'm', smtp: 'smtp://me@mail.example.com', to: ['a@b.org,c@d.org'], secret: 'pw\n' });
    expect(n).toMatchObject({ kind: 'smtp', to: ['a@b.org', 'c@d.org'], secret: 'pw' });
    expect(notifierJson(n)).toMatchObject({ secret: '********' });
    expect(JSON.stringify(notifierJson(n))).not.toContain('"pw"');
  });

  it('keeps notifiers in a 0600 file and drops entries it cannot use', () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const store = new NotifierStore(dir, (w) => warnings.push(w));
    store.update(() => [buildNotifier({ name: 'h', webhook: 'https://h.example/x', secret: 'tok' })]);
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(new NotifierStore(dir, () => undefined).read()).toEqual([{ name: 'h', kind: 'webhook', url: 'https://h.example/x', format: 'json', secret: 'tok' }]);
  });
});

describe('webhook formats (against a real HTTP server)', () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });
  const receiver = async (status = 200) => {
    const got: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'down for maintenance');
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got };
  };
  const hook = (url: string, format: WebhookNotifier['format'], secret: string | null = null): WebhookNotifier => ({ name: 'h', kind: 'webhook', url, format, secret });
  const ctx = { host: 'nas', engine: 'unix:///var/run/docker.sock' };

  it('ntfy: the text as the body, Title and Tags headers, the token as Bearer', async () => {
    const r = await receiver();
    const t = new Transport({ timeoutMs: 5_000 });
    await sendWebhook(t, hook(`${r.url}/stevedore-updates`, 'ntfy', 'tk_123'), [sampleNotice()], ctx);
    await t.close();
    expect(r.got).toHaveLength(1);
    expect(r.got[0]).toMatchObject({ method: 'POST', url: '/stevedore-updates' });
    expect(r.got[0]?.headers).toMatchObject({ title: 'Update for stevedore/test-notice:latest on nas', tags: 'package', authorization: 'Bearer tk_123' });
    expect(r.got[0]?.body).toContain('stevedore/test-notice:latest 1.0.0 → 1.0.1');
  });

  it('gotify: /message with X-Gotify-Key and {title, message, priority}', async () => {
    const r = await receiver();
    const t = new Transport({ timeoutMs: 5_000 });
    await sendWebhook(t, hook(`${r.url}/`, 'gotify', 'AppToken'), [sampleNotice()], ctx);
    await t.close();
    expect(r.got[0]).toMatchObject({ url: '/message' });
    expect(r.got[0]?.headers['x-gotify-key']).toBe('AppToken');
    expect(r.got[0]?.headers.authorization).toBeUndefined();
    expect(JSON.parse(r.got[0]?.body ?? '')).toEqual({ title: 'Update for stevedore/test-notice:latest on nas', message: expect.stringContaining('1.0.0 → 1.0.1'), priority: 5 });
  });

  it('a refusal is a one-line error with the server`s words, never the token; no retry within the round', async () => {
    const r = await receiver(503);
    const t = new Transport({ timeoutMs: 5_000 });
    const error = await sendWebhook(t, hook(r.url, 'json', 'secret-token'), [sampleNotice()], ctx).catch((e: unknown) => e as Error);
    await t.close();
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^127\.0\.0\.1:\d+ answered 503: down for maintenance$/);
    expect((error as Error).message).not.toContain('secret-token');
    expect(r.got).toHaveLength(1);
    expect(webhookRequest(hook(r.url, 'json'), [sampleNotice()], ctx).headers).toEqual({ 'content-type': 'application/json' });
  });
});
