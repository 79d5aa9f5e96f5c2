// A notice by mail: SMTP (submission with STARTTLS and login on 587, or TLS from the start on 465) or the
// local `sendmail -t`, both through nodemailer (a well-kept library with no dependencies and nothing native),
// loaded only when mail is really sent. STARTTLS is required whenever a password is sent; certificates are
// verified (NODE_EXTRA_CA_CERTS adds a private CA). Every step has a deadline.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { noticeMessage, type UpdateNotice } from '../../domain/notice';
import { parseSmtpUrl, type SendmailNotifier, type SmtpNotifier } from '../../domain/notifiers';
import { AppError, NotFound, TimedOut, Unauthorized, Unreachable } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';

export interface MailContext {
  host: string;
  env: NodeJS.ProcessEnv;
  /** Deadline of each SMTP step (connect, greeting, each command), ms. */
  timeoutMs: number;
}

const subjectOf = (notices: readonly UpdateNotice[], host: string): { subject: string; text: string } => {
  const m = noticeMessage(notices, host);
  return { subject: `[stevedore] ${m.title}`, text: `${m.body}\n` };
};

export async function sendSmtp(n: SmtpNotifier, notices: readonly UpdateNotice[], ctx: MailContext): Promise<void> {
  const e = parseSmtpUrl(n.url);
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: e.host,
    port: e.port,
    secure: e.secure,
    // A password is never sent in the clear: without TLS from the start, STARTTLS must succeed first.
    requireTLS: !e.secure && e.user !== null,
    ...(e.user ? { auth: { user: e.user, pass: n.secret ?? '' } } : {}),
    connectionTimeout: ctx.timeoutMs,
    greetingTimeout: ctx.timeoutMs,
    socketTimeout: ctx.timeoutMs,
    name: ctx.host,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const { subject, text } = subjectOf(notices, ctx.host);
  try {
    await transport.sendMail({ from: n.from ?? defaultFrom(e.user, ctx.host), to: n.to, subject, text });
  } catch (error) {
    throw mailError(error, `${e.host}:${e.port}`);
  } finally {
    transport.close();
  }
}

export async function sendSendmail(n: SendmailNotifier, notices: readonly UpdateNotice[], ctx: MailContext): Promise<void> {
  const path = findSendmail(ctx.env);
  if (!path) throw new NotFound('no sendmail found (looked on PATH, /usr/sbin/sendmail, /usr/lib/sendmail)', { hint: 'install a mail transfer agent (msmtp-mta, exim4, postfix), or use --smtp' });
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({ sendmail: true, newline: 'unix', path, disableFileAccess: true, disableUrlAccess: true });
  const { subject, text } = subjectOf(notices, ctx.host);
  const timer = AbortSignal.timeout(ctx.timeoutMs * 2);
  try {
    await Promise.race([
      transport.sendMail({ from: n.from ?? defaultFrom(null, ctx.host), to: n.to, subject, text }),
      new Promise<never>((_, reject) => timer.addEventListener('abort', () => reject(new TimedOut(`${path} did not finish within ${Math.round((ctx.timeoutMs * 2) / 1000)} s`)), { once: true })),
    ]);
  } catch (error) {
    throw mailError(error, path);
  } finally {
    transport.close();
  }
}

/** `sendmail` on PATH, else where MTAs put it (cron's PATH has no /usr/sbin). */
export function findSendmail(env: NodeJS.ProcessEnv): string | null {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const candidate of [...dirs.map((d) => join(d, 'sendmail')), '/usr/sbin/sendmail', '/usr/lib/sendmail']) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

function defaultFrom(user: string | null, host: string): string {
  if (user && user.includes('@')) return user;
  return `stevedore@${/\./.test(host) ? host : `${host}.localdomain`}`;
}

/** nodemailer's errors (`code`, `responseCode`) as ours; the server's words kept, the password never there. */
function mailError(error: unknown, where: string): AppError {
  if (error instanceof AppError) return error;
  const e = error as { code?: string; responseCode?: number; message?: string };
  const said = sanitizeLine(e.message ?? String(error)).slice(0, 200);
  if (/certificate|self[- ]signed|CERT_|unable to verify/i.test(said)) {
    return new AppError(495, `${where}: certificate not trusted: ${said}`, { hint: 'NODE_EXTRA_CA_CERTS=/path/to/ca.pem adds a private CA' });
  }
  switch (e.code) {
    case 'EAUTH':
      return new Unauthorized(`${where} refused the login: ${said}`, { hint: 'give the password again with `stevedore notify add NAME --smtp URL --to ADDR --password-stdin`' });
    case 'ETLS':
      return new AppError(495, `${where}: TLS failed: ${said}`, { hint: 'the server must offer STARTTLS with a certificate this machine trusts (NODE_EXTRA_CA_CERTS for a private CA)' });
    case 'ECONNECTION':
    case 'EDNS':
      return new Unreachable(`cannot reach ${where}: ${said}`);
    case 'ETIMEDOUT':
      return new TimedOut(`${where} did not answer in time: ${said}`);
    default:
      return new AppError(502, `${where}: ${said}`);
  }
}
