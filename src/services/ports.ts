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

/**
 * Marks of the LXC entries of the selected catalog (issue 14b), from LXD: an entry is installed when LXD
 * holds an image with its alias; downloading when an LXC download of it waits or runs. `installed` and
 * `downloading` are null when LXD cannot be reached, and `unavailable` then says why (the 501 naming the
 * sockets looked at), so a screen can say why the entry cannot be downloaded.
 */
export interface LxcCatalogMarks {
  unavailable: string | null;
  /** A simplestreams server's URL by its name (`images` → https://images.linuxcontainers.org). */
  serverUrl(name: string): string | undefined;
  installed(alias: string): boolean | null;
  downloading(server: string, alias: string): boolean | null;
}

export type LxcMarksSource = () => Promise<LxcCatalogMarks>;
