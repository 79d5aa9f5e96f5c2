export { LxdClient, lxdError, operationError, type LxdClientOptions, type PullSource } from './client';
export { SimpleStreamsClient } from './simplestreams';
export { findSocket, socketCandidates, DEFAULT_SOCKETS, type SocketSearch } from './socket';
export type { LxdOperation, LxdServerInfo } from './parse';
