// The registry side's protocol clients (undici): one Transport per process with a TLS policy per
// registry origin; v2 registries, the v1 index, the Docker Hub web API, and the ping/certificate probe.
export { Transport, abortableSleep, normalizeFingerprint, retryAfterSeconds, sha256Hex, type HttpRequest, type HttpResponse, type TlsPolicy, type TransportOptions } from './transport';
export { Authenticator, refusedCredentials, validateRealm, type RegistryCredential } from './auth';
export { parseChallenges, parseLinkHeader, parseRateLimit, nextLink, type Challenge, type RateLimit } from './headers';
export { RegistryV2Client, type FetchedManifest, type ManifestHead, type PingResult, type V2ClientOptions } from './v2';
export { IndexV1Client, type V1SearchResult } from './v1';
export { DockerHubClient, hubTag, type HubRepository, type HubTag } from './hub';
export { RegistryProber, type PingOptions } from './probe';
export {
  MANIFEST_ACCEPT,
  MEDIA,
  choosePlatform,
  isAttestation,
  parseImageConfig,
  parsePlatformString,
  platformMatches,
  platformString,
  type ImageConfig,
  type IndexEntry,
  type Manifest,
  type PlatformSpec,
} from './manifest';
