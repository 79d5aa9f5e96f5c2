// stevedore serve [--listen HOST:PORT] [--tls-cert FILE --tls-key FILE] [--allowed-host NAME…] [--json]
// stevedore serve passwd [--user NAME] [--password-stdin]
// The seed's REST API over the same services as the CLI (DESIGN.md "Serve"). Loopback only unless TLS
// is given; the login is set with `serve passwd` (a scrypt hash, 0600), and a new one ends every session.
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../commands/context';
import { action, leaf } from '../commands/program';
import { promptSecret, readStdinSecret } from '../commands/prompt';
import { InvalidInput } from '../domain/errors';
import { sanitizeLine } from '../domain/sanitize';
import { configDir } from '../store/paths';
import type { AccessLogEntry } from './server';

export const DEFAULT_LISTEN = '127.0.0.1:8118';

interface ServeFlags {
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  allowedHost?: string[];
  json?: boolean;
  watch?: boolean;
}

/** After the stop deadline, how long the closing of the engine and registry clients may take. */
const CLOSE_GRACE_MS = 500;

export function registerServe(program: Command, ctx: CommandContext): void {
  const serve = program
    .command('serve')
    .description("answer the seed's REST API (Container Station images, Docker Cloud repositories) over HTTP(S)")
    .helpOption('-h, --help', 'show help')
    .helpCommand(false)
    .option('--listen <host:port>', 'address to listen on (other than loopback only with TLS)', DEFAULT_LISTEN)
    .option('--tls-cert <file>', 'PEM certificate (with --tls-key): serve HTTPS')
    .option('--tls-key <file>', 'PEM private key of the certificate')
    .option('--allowed-host <name>', 'another name clients reach this server by (a TLS proxy in front): repeat for more', (v: string, all: string[] = []) => [...all, ...v.split(',')])
    .addOption(new Option('--json', 'log lines as JSON on stdout'))
    .option('--watch', 'also run `stevedore watch` in this process: an update round every updates.interval, notices to the notifiers')
    .action(action(ctx, async (_out, opts: ServeFlags) => runServe(ctx, opts)));

  leaf(serve, ctx, 'passwd', 'set the user name and password that log in to `stevedore serve`')
    .option('--user <name>', 'user name', 'admin')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      action(ctx, async (out, opts: { user: string; passwordStdin?: boolean }) => {
        let password: string;
        if (opts.passwordStdin) password = await readStdinSecret(ctx.io);
        else {
          password = await promptSecret(ctx.io, `New password for ${sanitizeLine(opts.user)}: `);
          const again = await promptSecret(ctx.io, 'Again: ');
          if (again !== password) throw new InvalidInput('the two passwords differ: nothing was changed');
        }
        // node:crypto (scrypt) loads only here: `stevedore --help` lists this command without paying for it.
        const { ServeLoginStore } = await import('../store/serveLogin');
        const store = new ServeLoginStore(configDir(ctx.io.env));
        await store.set(opts.user, password);
        out.result({ user: opts.user.trim(), file: store.path }, () => `saved the login of "${sanitizeLine(opts.user.trim())}" for stevedore serve (a scrypt hash in ${store.path})`);
      }),
    );
}

/** `HOST:PORT` (`[::1]:8118` for IPv6). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim());
  const host = m?.[1] ?? m?.[2] ?? '';
  const port = Number(m?.[3]);
  if (!m || !host || !Number.isInteger(port) || port > 65_535) throw new InvalidInput(`--listen must be HOST:PORT, e.g. ${DEFAULT_LISTEN} (got "${sanitizeLine(text)}")`);
  return { host, port };
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`: addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h) || h === '0:0:0:0:0:0:0:1';
  return false;
}

async function runServe(ctx: CommandContext, opts: ServeFlags): Promise<void> {
  const { io } = ctx;
  const json = opts.json === true || ctx.json;
  const { host, port } = parseListen(opts.listen);
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) throw new InvalidInput('--tls-cert and --tls-key go together');
  const tls = opts.tlsCert !== undefined && opts.tlsKey !== undefined ? { cert: readPem(opts.tlsCert, '--tls-cert'), key: readPem(opts.tlsKey, '--tls-key') } : undefined;
  if (!tls && !isLoopback(host)) {
    throw new InvalidInput(`refusing plain HTTP on ${sanitizeLine(host)}: other addresses than loopback need --tls-cert FILE --tls-key FILE`, {
      hint: `or listen on ${DEFAULT_LISTEN} and put a TLS proxy in front`,
    });
  }
  // The server (node:http/https), the routes and the login check load only when serving.
  const [{ createServeServer, listen }, { ServeLoginStore, verifyLogin }, { DownloadNotesStore }] = await Promise.all([
    import('./server'),
    import('../store/serveLogin'),
    import('../store/downloadNotes'),
  ]);
  const dir = configDir(io.env);
  const logins = new ServeLoginStore(dir);
  if (!logins.read()) throw new InvalidInput('no login is set for stevedore serve', { hint: 'run `stevedore serve passwd` first' });

  const log = (event: Record<string, unknown>, human: string): void => {
    if (json) io.stdout.write(`${JSON.stringify(event)}\n`);
    else io.stderr.write(`${human}\n`);
  };
  const now = (): string => new Date().toISOString();
  ctx.warnings.redirect((line) => log({ time: now(), event: 'warning', message: line }, `${now()} warning: ${line}`));

  const serve = makeServer(() => createServeServer({
    services: ctx.services,
    notes: new DownloadNotesStore(dir),
    clock: { now: () => Date.now() },
    ...(tls ? { tls } : {}),
    allowedHosts: opts.allowedHost ?? [],
    login: {
      // Read at each login: `serve passwd` takes effect without a restart.
      verify: async (user, password) => {
        const record = logins.read();
        return record !== null && verifyLogin(record, user, password);
      },
      // The login file as it is now (a new password is a new file): when it changes, every session ends.
      stamp: () => loginStamp(logins.path),
    },
    // At the stop deadline the registry calls still in flight are aborted (a slow registry does not hold the stop).
    abortInFlight: () => void ctx.services.remote().then((r) => r.close({ abort: true })).catch(() => undefined),
    notice: (line) => log({ time: now(), event: 'notice', message: line }, `${now()} ${line}`),
    accessLog: (e: AccessLogEntry) =>
      log({ event: 'request', ...e }, `${e.time} ${e.client} ${e.user ?? '-'} "${e.method} ${e.path}" ${e.status} ${e.bytes} ${e.ms}ms`),
    onBug: (error) => {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log({ time: now(), event: 'bug', message: sanitizeLine(text) }, `${now()} bug: ${text}`);
    },
  }), tls !== undefined);
  let running;
  try {
    running = await listen(serve, host, port);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new InvalidInput(`${host}:${port} is already in use`, { hint: 'choose another with --listen HOST:PORT' });
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new InvalidInput(`cannot listen on ${sanitizeLine(host)}: no such address on this host`);
    if (code === 'EACCES') throw new InvalidInput(`not allowed to listen on port ${port}`, { hint: 'ports below 1024 need privileges: use 8118' });
    throw error;
  }
  log({ time: now(), event: 'listening', url: running.url }, `${now()} stevedore serve: listening on ${running.url}`);
  // `--watch` (issue 22): the watch loop beside the server, stopped with it.
  const stopWatch = opts.watch ? (await import('../commands/watch')).startWatch(ctx, log) : null;

  await new Promise<void>((resolve) => {
    // The handlers stay until the process exits: conf's exit hook (when-exit) answers the first signal by
    // sending it to this process again, which would kill it mid-stop with no handler left. A repeat more
    // than a second later is a person insisting: then the connections still open are cut.
    let first = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (first > 0) {
        if (performance.now() - first > 1000) running.server.closeAllConnections();
        return;
      }
      first = performance.now();
      log({ time: now(), event: 'stopping', signal }, `${now()} ${signal}: finishing the answers in flight (downloads go on in the background worker)`);
      void running.stop().then(resolve);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  // The watch loop (its round is aborted), the engine's download client and the registry connections are closed
  // (what is still open after a short grace goes with the process); the worker is a process of its own.
  const closing = Promise.allSettled([stopWatch?.(), ctx.services.engine().then((e) => e.downloads.close()), ctx.services.remote().then((r) => r.close({ abort: true }))]);
  await Promise.race([closing, new Promise((r) => setTimeout(r, CLOSE_GRACE_MS).unref())]);
  log({ time: now(), event: 'stopped' }, `${now()} stopped`);
}

/** Changes whenever `serve passwd` writes the login file (written anew, so a new inode and times). */
function loginStamp(path: string): string {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.mtimeMs}:${st.ctimeMs}:${st.size}`;
  } catch {
    return 'none';
  }
}

/** A certificate or key that TLS cannot use is the user's input, not a bug. */
function makeServer<T>(make: () => T, tls: boolean): T {
  try {
    return make();
  } catch (error) {
    if (!tls) throw error;
    const text = error instanceof Error ? error.message : String(error);
    throw new InvalidInput(`--tls-cert/--tls-key are not a usable PEM certificate and private key: ${sanitizeLine(text)}`);
  }
}

function readPem(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new InvalidInput(`cannot read ${flag} ${sanitizeLine(file)}: ${(error as { code?: string }).code ?? 'unreadable'}`);
  }
}
