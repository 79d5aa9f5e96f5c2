// Receivers for the notices of `stevedore watch` (issue 22), started and stopped by the tests that need them:
// - a webhook receiver: an HTTP server that records every request (method, path, headers, body) and can be
//   told to fail the next N requests with a status (a notifier that is down);
// - a real SMTP server: Debian's python3-aiosmtpd (test/fixtures/notify/smtp_server.py) requiring STARTTLS with
//   a certificate of a CA made for it, then AUTH LOGIN/PLAIN; each accepted message is a file in a directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTlsMaterial } from './certs.js';
import { listen, readBody, sendJson } from './http.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  url: string;
  /** Every request so far, in order (failed ones too). */
  requests: ReceivedRequest[];
  /** The requests answered 2xx. */
  delivered(): ReceivedRequest[];
  /** The next `times` requests get `status` (e.g. 503). */
  failNext(times: number, status: number): void;
  /** Resolves when `count` requests have arrived (or rejects after `ms`). */
  waitFor(count: number, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  let failing = { times: 0, status: 200 };
  const waiters: Array<() => void> = [];
  const server = await listen(async (req, res) => {
    const body = (await readBody(req)).toString('utf8');
    const status = failing.times > 0 ? failing.status : 200;
    if (failing.times > 0) failing.times--;
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, status });
    sendJson(res, status, status < 300 ? { ok: true } : { error: 'receiver told to fail' });
    for (const w of waiters.splice(0)) w();
  });
  return {
    url: server.url,
    requests,
    delivered: () => requests.filter((r) => r.status < 300),
    failNext: (times, status) => void (failing = { times, status }),
    async waitFor(count, ms = 60_000) {
      const deadline = Date.now() + ms;
      while (requests.length < count) {
        if (Date.now() > deadline) throw new Error(`the webhook receiver got ${requests.length} requests, not ${count}, in ${ms} ms`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 500);
        });
      }
    },
    close: () => server.close(),
  };
}

export interface ReceivedMail {
  envelope: { from: string; to: string[]; tls: boolean; authenticated: boolean };
  /** The raw message (headers and body). */
  raw: string;
}

export interface SmtpServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The CA to trust (NODE_EXTRA_CA_CERTS) for the server's certificate. */
  caFile: string;
  messages(): ReceivedMail[];
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('../fixtures/notify/smtp_server.py', import.meta.url));
/** Debian's python (python3-aiosmtpd is a Debian package): not a pyenv shim that may lack it. */
const PYTHON = '/usr/bin/python3';

export async function startSmtpServer(dir: string): Promise<SmtpServer> {
  const certs = await makeTlsMaterial(path.join(dir, 'certs'), ['127.0.0.1']);
  const mail = path.join(dir, 'mail');
  fs.mkdirSync(mail, { recursive: true });
  const user = 'watcher';
  const password = randomBytes(9).toString('base64url');
  const child: ChildProcess = spawn(PYTHON, [SCRIPT, '--cert', certs.certFile, '--key', certs.keyFile, '--user', user, '--password-env', 'SMTP_TEST_PASSWORD', '--dir', mail], {
    env: { PATH: process.env.PATH, SMTP_TEST_PASSWORD: password },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the SMTP server did not start in 20 s: ${stderr}`)), 20_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the SMTP server exited (${code}): ${stderr}`));
    });
  });
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    caFile: certs.caFile,
    messages: () =>
      fs
        .readdirSync(mail)
        .filter((f) => f.endsWith('.eml'))
        .sort()
        .map((f) => ({
          raw: fs.readFileSync(path.join(mail, f), 'utf8'),
          envelope: JSON.parse(fs.readFileSync(path.join(mail, `${f}.json`), 'utf8')) as ReceivedMail['envelope'],
        })),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.stdin?.end();
      }),
  };
}
