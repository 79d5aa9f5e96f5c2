// One undici dispatcher per registry origin with its own TLS policy (and every other origin on a verified
// one), proxies from HTTPS_PROXY / HTTP_PROXY / NO_PROXY, connect / headers / body timeouts, and the peer
// certificate checked on each new connection where a pin (or an observer) asks for it.
import type { Dispatcher } from 'undici';
import { EnvHttpProxyAgent, Pool, buildConnector } from '../undici';
import { proxyName, throughProxy } from './proxy';
import { type TlsPolicy, checkPeer, normalizeFingerprint, pinnedLookup, withSystemRoots } from './tls';

export interface DispatcherOptions {
  env?: NodeJS.ProcessEnv | undefined;
  timeoutMs: number;
  connectTimeoutMs: number;
  onPeerCertificate?: ((origin: string, sha256: string) => void) | undefined;
}

export function createDispatcher(config: DispatcherOptions, policy: TlsPolicy | undefined, pinned?: { address: string; family: number }): Dispatcher {
  const env = config.env ?? {};
  const pin = policy?.trustCert && policy.pinnedCertSha256 ? normalizeFingerprint(policy.pinnedCertSha256) : undefined;
  // trustCert without a pin (a registry saved before pinning, or a hand-edited file) must not mean "no
  // verification": the chain is read unverified, then the connection is refused unless it verifies.
  const unpinned = policy?.trustCert === true && pin === undefined;
  const observe = config.onPeerCertificate;
  const inspect = pin !== undefined || unpinned || observe !== undefined;
  const tls = {
    rejectUnauthorized: !policy?.trustCert,
    ...(policy?.ca ? { ca: withSystemRoots(policy.ca) } : {}),
    // Full handshakes for inspected origins, so the certificate is seen on every connection.
    ...(inspect ? { maxCachedSessions: 0 } : {}),
    // A pinned origin connects to the address that was checked, whatever DNS says now.
    ...(pinned ? { lookup: pinnedLookup(pinned.address, pinned.family) } : {}),
  };
  const timeout = config.connectTimeoutMs;
  const httpProxy = env.HTTP_PROXY ?? env.http_proxy ?? '';
  const httpsProxy = env.HTTPS_PROXY ?? env.https_proxy ?? '';
  const factory = (origin: string | URL, options: object): Dispatcher => {
    const given = (options as { connect?: unknown }).connect;
    // ProxyAgent hands its tunnel (CONNECT through the proxy, then TLS) as a function; the direct
    // agent hands connect options.
    const tunnelled = typeof given === 'function';
    let connect: buildConnector.connector = tunnelled
      ? throughProxy(given as buildConnector.connector, proxyName(new URL(String(origin)).protocol === 'https:' ? httpsProxy || httpProxy : httpProxy), config.timeoutMs)
      : buildConnector({ ...tls, ...(isObject(given) ? given : {}), timeout } as buildConnector.BuildOptions);
    if (inspect) {
      const base = connect;
      connect = (opts, callback) =>
        base(opts, (...args) => {
          const [error, socket] = args;
          if (error || !socket) return callback(...args);
          const problem = checkPeer(socket, String(origin), pin, unpinned, observe);
          if (problem) {
            socket.destroy();
            return callback(problem, null);
          }
          callback(null, socket);
        });
    }
    return new Pool(origin, { ...(options as Pool.Options), connect });
  };
  return new EnvHttpProxyAgent({
    httpProxy,
    httpsProxy,
    noProxy: env.NO_PROXY ?? env.no_proxy ?? '',
    factory,
    connect: { ...tls, timeout },
    requestTls: tls,
    connectTimeout: timeout,
    headersTimeout: config.timeoutMs,
    bodyTimeout: config.timeoutMs,
    keepAliveTimeout: 10_000,
  } as EnvHttpProxyAgent.Options);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}
