// The test world's public API: start/stop it, and helpers that tests use against a running world
// (they talk to its processes over the network or the docker CLI, so they work from any process).
//
// One world serves a whole vitest run (and may be reused across runs through STEVEDORE_WORLD_FILE), so:
// treat the seeded content (WorldInfo.seeded) as read-only; push, tag or delete only in repositories your test
// names itself; leave the engine as you found it (removeAllImages); log in with a private configDir.
export type { BuildSpec, BuiltLayer, FileSpec, ImageConfigSpec, ImageSpec, IndexSpec, LayerSpec, Platform, RegistryInfo, RegistryName, WorldInfo } from './types.js';
export { startWorld, type StartOptions, type World } from './world.js';
export { docker, dockerLogin, engine, buildImage, buildAndPush, loadBulkImages, removeAllImages, streamError, DOCKER_CLI, type DockerOptions } from './engine.js';
export { pushImage, pushIndex, putTags, makeLayer, hostPlatform, type PushedIndex } from './images.js';
export { setThrottle, DEFAULT_THROTTLE } from './throttling-proxy.js';
export { RegistryClient, MANIFEST_ACCEPT, parseChallenge, sha256 } from './registry-client.js';
export { httpRequest, header, type HttpResponse, type HttpOptions } from './http.js';
export { EVIL_DESCRIPTION } from './hub-data.js';
export { MANY_TAGS } from './seed.js';
export { hubFault, clearHubFaults, tokenStats, resetTokenStats, type HubFault, type TokenStats } from './hooks.js';
export { isWorldAlive, readWorldFile, WORLD_FILE } from './reuse.js';
export { asUser, type OtherUser } from './users.js';
export { setUpUpdateCases, startRegistryFront, type UpdateCases, type RegistryFront, type FrontCounts, type FrontOptions } from './updates.js';
export { startWebhookReceiver, startSmtpServer, type WebhookReceiver, type SmtpServer, type ReceivedRequest, type ReceivedMail } from './notify.js';
