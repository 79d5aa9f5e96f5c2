// Shapes shared by the world's parts. WorldInfo crosses process boundaries (vitest provide/inject, the JSON
// file written by cli.ts), so it holds only plain JSON data: URLs, paths, names.

import type { LxdWorldInfo } from './lxd.js';
import type { OtherUser } from './users.js';

export type RegistryName = 'plain' | 'tls' | 'token' | 'hub';

export interface RegistryInfo {
  name: RegistryName;
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** host:port as it appears in image references. */
  host: string;
  auth: 'none' | 'basic' | 'token';
  username?: string;
  password?: string;
  /** PEM file of the CA that signed the registry's certificate (tls only). */
  caFile?: string;
  caCertPem?: string;
}

export interface WorldInfo {
  root: string;
  dockerHost: string;
  dockerSocket: string;
  /** A docker client config dir owned by the world, so `docker login` in tests never touches ~/.docker. */
  dockerConfig: string;
  registries: Record<RegistryName, RegistryInfo>;
  /** A second dockerd (own data/exec roots and socket), empty unless a test pulls there. */
  engineB: {
    host: string;
    socket: string;
    /** The same engine over TCP with TLS (server certificate signed by the world's CA, `caFile`). */
    tlsHost: string;
    caFile: string;
  };
  /**
   * A real sshd on 127.0.0.1 whose sessions reach engineB (`docker system dial-stdio`). Point stevedore's ssh
   * at `clientConfig` (STEVEDORE_SSH_CONFIG) and its shared connections at `controlDir`; `log` counts logins.
   */
  ssh: { url: string; port: number; user: string; clientConfig: string; controlDir: string; log: string };
  /** Base URL of the Docker Hub stand-in (what STEVEDORE_HUB_API points at). */
  hubApi: string;
  /** Base URL of the token server: GET /token, GET /stats, DELETE /stats. */
  tokenServer: string;
  paginatingProxy: { url: string; host: string };
  throttlingProxy: { url: string; host: string; control: string };
  /** Logical name -> image reference. */
  seeded: Record<string, string>;
  /** Logical name -> digest of what the reference resolves to (index digest for multi-platform images). */
  digests: Record<string, string>;
  /** Environment for the program under test: DOCKER_HOST, DOCKER_CONFIG, STEVEDORE_HUB_API, STEVEDORE_HUB_REGISTRY. */
  env: Record<string, string>;
  eth0: string;
  startedInMs: number;
  /** The world's LXD and simplestreams server (test/world/lxd.ts), or null with the reason in lxdError. */
  lxd: LxdWorldInfo | null;
  lxdError: string | null;
  /** A second local user (users.ts) for multi-user cases; act as it with asUser(). */
  otherUser: OtherUser | null;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** A file inside a layer; without content it gets `size` random (incompressible) bytes. */
export interface FileSpec {
  path: string;
  size?: number;
  content?: string | Buffer;
  mode?: number;
}

export interface LayerSpec {
  files: FileSpec[];
}

/** A layer already made by makeLayer(): lets several images share identical blobs. */
export interface BuiltLayer {
  kind: 'built';
  gzip: Buffer;
  digest: string;
  diffId: string;
}

export interface ImageConfigSpec {
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  Labels?: Record<string, string>;
  ExposedPorts?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  User?: string;
}

export interface ImageSpec {
  /** A number is shorthand for one random file of that many bytes. */
  layers: Array<number | LayerSpec | BuiltLayer>;
  config?: ImageConfigSpec;
  /** Default: linux and the host's architecture. */
  platform?: Platform;
  /** ISO time written to the config's `created`; default now. */
  created?: string;
  /** Manifest and config media types: Docker schema2 (default) or OCI. */
  format?: 'docker' | 'oci';
}

export interface IndexSpec {
  platforms: Array<{ platform: Platform; image: Omit<ImageSpec, 'platform' | 'format'> }>;
  /** Add a BuildKit-style attestation manifest (unknown/unknown) for the first platform; OCI only. */
  attestation?: boolean;
  /** OCI index (default) or Docker manifest list. */
  format?: 'oci' | 'docker';
}

/** Settings for a docker build FROM scratch: one COPY (so one layer) per entry of `layers`. */
export interface BuildSpec {
  layers: number[];
  labels?: Record<string, string>;
  env?: Record<string, string>;
  cmd?: string[];
  entrypoint?: string[];
  expose?: string[];
  workdir?: string;
  user?: string;
}
