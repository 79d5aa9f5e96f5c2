// The engine client: where the engine is (DOCKER_HOST, docker contexts) and how to talk to it.
export { EngineClient, EngineRequestError, type EngineClientOptions, type EngineContainer, type EngineImage, type EngineVersion, type PullRequest } from './client';
export { contextEndpoint, currentContext, dockerConfigDir, dockerContexts, endpointKey, parseHost, resolveEndpoint, tlsFromDir, type DockerContext, type Endpoint } from './endpoint';
export { encodeRegistryAuth, type RegistryAuth } from './auth';
export { jsonLines } from './stream';
export { sshArgs, sshControlDir, SshAgent, CommandConnection, classifySsh } from './ssh';
export { EngineTransport } from './transport';
