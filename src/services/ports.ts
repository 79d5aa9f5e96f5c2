// What the two sides of the service layer need from each other, as plain functions, so the
// remote services (registries, Docker Hub) and the engine services (local images, downloads)
// can be built and tested apart. The composition root (src/cli.tsx) connects them.

/**
 * Local repositories and their tags, keyed by FULL repository name (`docker.io/library/redis`,
 * `127.0.0.1:5000/team/app`). `null` when the engine cannot be reached (remote results then carry
 * `installed: null` and a warning).
 */
export type InstalledIndex = () => Promise<Map<string, Set<string>> | null>;

/** Full repository names with a download waiting or running in any session. */
export type DownloadingIndex = () => Promise<Set<string>>;

/** The engine's platform (`linux/amd64`, `linux/arm64/v8`), or null when unknown/unreachable. */
export type EnginePlatform = () => Promise<string | null>;

/**
 * Full repository names used by local images and by containers (any state), for `in_use` of
 * saved repositories. `null` when the engine cannot be reached.
 */
export type LocalUsage = () => Promise<{ images: Set<string>; containers: Set<string> } | null>;
