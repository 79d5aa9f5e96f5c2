// The one way stevedore talks to an engine: HTTP/1.1 on node:http over a unix socket, TCP (plain or TLS),
// or an ssh:// engine's `docker system dial-stdio` (ssh.ts). Every call — listings, inspect, delete, prune,
// the pull stream and the events stream — goes through `send`, so there is one set of timeouts and one
// translation of failures into typed errors. A request to an ssh:// engine that goes unanswered for a few
// seconds has its shared ssh connection checked; a dead one is closed and the request (when it changes
// nothing) tried once more over an ssh connection of its own (see sendWatched).
//
// Why not dockerode's modem: importing it costs ~45 ms at every one-shot start on Node 20 (measured in the
// issue-13 note: dockerode chunk median 66 ms vs node:http 19 ms to import), and `image list` has ~20 ms of
// headroom against `docker images`. What the modem would add (querystring building, auth header, demuxing
// attach streams) is a few lines here or not needed. A little over 300 lines: the one send path with its timeouts,
// the failure translation and the ssh retry belong together (ssh itself is in ssh.ts, sshConnection.ts, sshFailure.ts).
import http from 'node:http';
import https from 'node:https';
import { TimedOut, Unauthorized, Unreachable, UntrustedCertificate, isAppError } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';
import { clockHint, isCertDateError } from '../../domain/clock';
import type { Endpoint } from './endpoint';
import { SharedSsh, SshAgent, type SshFailure, sshFailure } from './ssh';

/** How long a request to an ssh:// engine waits for its answer before the shared connection is checked. */
export const SHARED_CHECK_AFTER_MS = 2_000;
/** How long that check (`true` on the far side through the shared connection) may take. */
const SHARED_CHECK_MS = 2_000;
/** ssh's connect timeout for the retry over a connection of its own (the path was just seen failing). */
const RETRY_CONNECT_SECONDS = 4;

export type Method = 'GET' | 'POST' | 'DELETE' | 'HEAD';

/** The engine answered with an HTTP error; `message` is the engine's own text (sanitised). */
export class EngineRequestError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'EngineRequestError';
  }
}

export interface SendOptions {
  /** The caller's cancellation: aborting it rejects (or ends the stream) with its AbortError. */
  signal?: AbortSignal | undefined;
  /**
   * How long until the answer is complete (buffered calls) or until the headers came (streams), in ms.
   * A stream then has no deadline: a pull takes what it takes.
   */
  timeoutMs: number;
  headers?: Record<string, string>;
  /** Keep the body as a stream (pull, events) instead of buffering it. */
  stream?: boolean;
}

export interface Answer {
  status: number;
  /** The buffered body (not for streams). */
  body: Buffer;
  /** The live response (streams only). */
  response: http.IncomingMessage | null;
}

interface Connection {
  socketPath?: string;
  host: string;
  port: number;
  tls: boolean;
  agent: http.Agent;
  /** For streams (pull, events), when they must not share the agent of the other requests (ssh). */
  streamAgent?: http.Agent;
  /** ssh: the shared connection both agents go through, and an agent for a retry without it. */
  ssh?: { shared: SharedSsh; agents: SshAgent[]; direct: () => SshAgent };
}

export interface TransportOptions {
  /** Where ssh keeps its shared connections (a 0700 directory of ours). */
  sshControlDir?: string;
  /** The ssh command (tests may point it elsewhere). */
  sshCommand?: string;
}

export class EngineTransport {
  private connection: Connection | undefined;
  private direct: SshAgent | undefined;
  private checking: Promise<boolean> | undefined;

  constructor(
    readonly endpoint: Endpoint,
    private readonly env: NodeJS.ProcessEnv,
    private readonly options: TransportOptions = {},
  ) {}

  get description(): string {
    return this.endpoint.description;
  }

  /**
   * One request. Resolves with the status and body (or the live response for streams); HTTP errors are
   * returned, not thrown (the caller reads the engine's message); failures to connect are typed.
   */
  send(method: Method, path: string, options: SendOptions): Promise<Answer> {
    const c = this.connect();
    const agent = (options.stream && c.streamAgent) || c.agent;
    if (c.ssh) return this.sendWatched(c.ssh, agent, method, path, options);
    return this.sendVia(c, agent, method, path, options);
  }

  /**
   * An ssh:// request with a watch on the shared connection: unanswered after SHARED_CHECK_AFTER_MS, the shared
   * connection is checked; when it is dead it is closed, and a GET or HEAD is sent once more over an ssh
   * connection of its own (anything else fails, naming the ssh connection: it may have reached the engine).
   */
  private async sendWatched(ssh: NonNullable<Connection['ssh']>, agent: http.Agent, method: Method, path: string, options: SendOptions): Promise<Answer> {
    const started = performance.now();
    const own = new AbortController();
    const forward = (): void => own.abort(options.signal?.reason);
    if (options.signal?.aborted) forward();
    options.signal?.addEventListener('abort', forward, { once: true });
    let answered = false;
    let timer: NodeJS.Timeout | undefined;
    const dead = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (answered) return;
        void this.checkShared(ssh).then((alive) => {
          if (!alive && !answered && !own.signal.aborted) resolve();
        });
      }, SHARED_CHECK_AFTER_MS);
      timer.unref();
    });
    try {
      const first = this.sendVia(this.connect(), agent, method, path, { ...options, signal: own.signal }, () => (answered = true));
      const outcome = await Promise.race([first.then((answer) => ({ answer })), dead.then(() => null)]);
      if (outcome) return outcome.answer;
      first.catch(() => undefined);
      own.abort();
      const what = `the shared ssh connection to ${this.description} stopped answering (closed it)`;
      if (method !== 'GET' && method !== 'HEAD') {
        throw new Unreachable(`${what}; the ${method} ${path.split('?')[0] ?? ''} was not sent again, as it may have reached the engine`, { hint: 'try again: a new ssh connection is made' });
      }
      const left = Math.max(1000, options.timeoutMs - (performance.now() - started));
      try {
        return await this.sendVia(this.connect(), ssh.direct(), method, path, { ...options, timeoutMs: left });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        const said = isAppError(error) ? error.describe() : error instanceof Error ? error.message : String(error);
        throw new Unreachable(`${what}, and a new ssh connection did not answer either: ${said}`, { hint: 'check the network path to the host (ssh to it by hand)', cause: error });
      }
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', forward);
    }
  }

  /** One check of the shared connection at a time (requests waiting together share it); a dead one is closed. */
  private checkShared(ssh: NonNullable<Connection['ssh']>): Promise<boolean> {
    this.checking ??= ssh.shared
      .alive(SHARED_CHECK_MS)
      .then(async (alive) => {
        if (!alive) {
          await ssh.shared.close();
          for (const a of ssh.agents) a.forgetShared();
        }
        return alive;
      })
      .finally(() => (this.checking = undefined));
    return this.checking;
  }

  private sendVia(c: Connection, agent: http.Agent, method: Method, path: string, options: SendOptions, onResponse?: () => void): Promise<Answer> {
    return new Promise((resolvePromise, rejectPromise) => {
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const req = (c.tls ? https : http).request(
        {
          // No TLS name to work out for a plain-http engine (Node would parse the Host header with its IPv6 regex).
          ...(c.tls ? {} : { servername: '' }),
          method,
          path,
          headers: {
            accept: 'application/json',
            host: c.socketPath ? 'docker' : `${c.host}:${c.port}`,
            ...(method === 'POST' || method === 'DELETE' ? { 'content-length': '0' } : {}),
            ...options.headers,
          },
          ...(c.socketPath ? { socketPath: c.socketPath } : { host: c.host, port: c.port }),
          agent,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        (res) => {
          onResponse?.();
          const status = res.statusCode ?? 0;
          if (options.stream && status >= 200 && status <= 299) return settle(() => resolvePromise({ status, body: Buffer.alloc(0), response: res }));
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            // An error body or a listing: bounded (a 1,000-image list is ~1 MB).
            size += chunk.length;
            if (size <= 256 << 20) chunks.push(chunk);
          });
          res.on('error', (error) => settle(() => rejectPromise(this.translate(error))));
          res.on('end', () => settle(() => resolvePromise({ status, body: Buffer.concat(chunks), response: null })));
        },
      );
      const timer = setTimeout(() => {
        settle(() => rejectPromise(this.timedOut(options.timeoutMs)));
        req.destroy();
      }, options.timeoutMs);
      req.on('error', (error) => settle(() => rejectPromise(this.translate(error))));
      req.end();
    });
  }

  timedOut(ms: number): TimedOut {
    return new TimedOut(`the engine at ${this.description} did not answer within ${seconds(ms)} s`, {
      hint: 'is dockerd stuck? DOCKER_CLIENT_TIMEOUT (seconds) sets a longer wait',
    });
  }

  /** A stream whose connection broke (cancellation and typed errors are passed through). */
  broken(error: unknown, what: string): unknown {
    if (!(error instanceof Error) || isAppError(error) || isAbort(error)) return error;
    const ssh = sshFailure(error);
    if (ssh) return this.fromSsh(ssh, error);
    return new Unreachable(`the connection to the engine at ${this.description} broke during the ${what}`, {
      hint: 'did dockerd stop or restart?',
      cause: error,
    });
  }

  /** A failure to connect (or a connection that failed) as a typed error; cancellation and typed errors pass through. */
  translate(error: unknown): unknown {
    if (!(error instanceof Error)) return error;
    if (isAbort(error) || isAppError(error)) return error;
    const ssh = sshFailure(error);
    if (ssh) return this.fromSsh(ssh, error);
    const code = String((error as { code?: unknown }).code ?? '');
    if (/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID)$/.test(code)) {
      return new UntrustedCertificate(`the engine at ${this.description} presented a certificate that is not trusted (${sanitizeLine(error.message)})`, {
        // Expired / not yet valid: often this machine's clock rather than a missing CA.
        hint: isCertDateError(code)
          ? clockHint()
          : 'give the directory with its CA as ca.pem: `stevedore engine add NAME --host tcp://… --tls-verify --cert-path DIR`',
        cause: error,
      });
    }
    if (/^ERR_SSL_.*(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|HANDSHAKE_FAILURE)/.test(code)) {
      return new Unauthorized(`the engine at ${this.description} refused our TLS client certificate`, {
        hint: 'put cert.pem and key.pem signed by a CA the engine trusts beside ca.pem in --cert-path',
        cause: error,
      });
    }
    return new Unreachable(`cannot reach the engine at ${this.description}`, { hint: this.unreachableHint(code), cause: error });
  }

  /** Closes kept-alive connections (the shared ssh connection itself stays, for the next command). */
  close(): void {
    this.connection?.agent.destroy();
    this.connection?.streamAgent?.destroy();
    this.direct?.destroy();
  }

  private fromSsh(failure: SshFailure, cause: Error): unknown {
    return failure.toError(this.description, cause);
  }

  private unreachableHint(code: string): string {
    const e = this.endpoint;
    if (code === 'EACCES') return `permission denied on ${e.kind === 'unix' ? e.socketPath : 'the engine socket'}: is your user in the docker group?`;
    if (e.source === 'default') return 'is dockerd running? The address is the default socket; set DOCKER_HOST, --engine NAME or `stevedore engine use` for another engine';
    return `is dockerd running? The address is from ${e.source}`;
  }

  /** How to reach the engine: a socket path, or host and port with an agent (TLS, or ssh's dial-stdio). */
  private connect(): Connection {
    this.connection ??= this.makeConnection();
    return this.connection;
  }

  private makeConnection(): Connection {
    const e = this.endpoint;
    switch (e.kind) {
      case 'unix':
        return { socketPath: e.socketPath, host: 'docker', port: 80, tls: false, agent: new http.Agent({ keepAlive: true }) };
      case 'tcp':
        return e.tls
          ? { host: e.host, port: e.port, tls: true, agent: new https.Agent({ keepAlive: true, ca: e.tls.ca, cert: e.tls.cert, key: e.tls.key, rejectUnauthorized: e.tls.verify }) }
          : { host: e.host, port: e.port, tls: false, agent: new http.Agent({ keepAlive: true }) };
      case 'ssh': {
        // The host name is a placeholder, as docker's own "http://docker.example.com": the agent dials ssh.
        const agent = new SshAgent(e, this.env, { controlDir: this.options.sshControlDir, command: this.options.sshCommand });
        const streamAgent = new SshAgent(e, this.env, { controlDir: this.options.sshControlDir, command: this.options.sshCommand, maxSockets: 8 });
        const shared = agent.shared();
        const direct = (): SshAgent =>
          (this.direct ??= new SshAgent(e, this.env, { command: this.options.sshCommand, connectTimeoutSeconds: RETRY_CONNECT_SECONDS, maxSockets: 8 }));
        return { host: 'docker', port: 80, tls: false, agent, streamAgent, ...(shared ? { ssh: { shared, agents: [agent, streamAgent], direct } } : {}) };
      }
    }
  }
}

export function isAbort(error: Error): boolean {
  return error.name === 'AbortError' || (error as { code?: unknown }).code === 'ABORT_ERR';
}

function seconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(3)));
}

/** The engine's `{"message": …}` error body, else the text itself. */
export function messageOf(body: Buffer): string {
  const text = body.toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string') return sanitizeLine((parsed as { message: string }).message);
  } catch {
    // not JSON
  }
  return sanitizeLine(text.slice(0, 500)) || 'no message';
}
