// The engine client: where the engine is (DOCKER_HOST, docker contexts) and how to talk to it.
export { EngineClient, EngineRequestError, type EngineContainer, type EngineImage, type EngineVersion, type PullRequest } from './client';
export { endpointKey, parseHost, resolveEndpoint, type Endpoint } from './endpoint';
export { encodeRegistryAuth, type RegistryAuth } from './auth';
export { jsonLines } from './stream';
export { sshArgs, SshAgent, CommandConnection } from './ssh';
