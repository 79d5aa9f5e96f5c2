// The parts of undici the registry transport uses, imported one by one. The package's index loads
// everything (fetch, WebSocket, caches, mocks, interceptors): ~535 KB in the bundle, compiled and run on
// every start of a command that talks to a registry. These modules are what `undici`'s own index
// re-exports; `request` and `connect` are attached to Dispatcher's prototype as the index does it.
import type * as Undici from 'undici';
import DispatcherClass from 'undici/lib/dispatcher/dispatcher.js';
import EnvHttpProxyAgentClass from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import PoolClass from 'undici/lib/dispatcher/pool.js';
import apiConnect from 'undici/lib/api/api-connect.js';
import apiRequest from 'undici/lib/api/api-request.js';
import buildConnectorFunction from 'undici/lib/core/connect.js';

const prototype = (DispatcherClass as unknown as { prototype: Record<string, unknown> }).prototype;
// `connect` is what ProxyAgent uses to open a CONNECT tunnel through an https proxy.
if (typeof prototype.request !== 'function') prototype.request = apiRequest;
if (typeof prototype.connect !== 'function') prototype.connect = apiConnect;

export const Pool = PoolClass as unknown as typeof Undici.Pool;
export const EnvHttpProxyAgent = EnvHttpProxyAgentClass as unknown as typeof Undici.EnvHttpProxyAgent;
export const buildConnector = buildConnectorFunction as unknown as typeof Undici.buildConnector;
// eslint-disable-next-line @typescript-eslint/no-namespace -- re-exporting undici's type namespaces
export namespace buildConnector {
  export type connector = Undici.buildConnector.connector;
  export type BuildOptions = Undici.buildConnector.BuildOptions;
  export type Options = Undici.buildConnector.Options;
  export type Callback = Undici.buildConnector.Callback;
}
// eslint-disable-next-line @typescript-eslint/no-namespace
export namespace Pool {
  export type Options = Undici.Pool.Options;
}
// eslint-disable-next-line @typescript-eslint/no-namespace
export namespace EnvHttpProxyAgent {
  export type Options = Undici.EnvHttpProxyAgent.Options;
}

/** undici's `request(url, { dispatcher, … })`, on the given dispatcher. */
export function request(url: URL, options: Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Undici.Dispatcher }): Promise<Undici.Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = options;
  return dispatcher.request({ ...rest, origin: url.origin, path: `${url.pathname}${url.search}` });
}
