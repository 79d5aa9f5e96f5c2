// The service layer as the CLI commands and the TUI see it. The composition root (src/cli.tsx)
// builds the concrete services lazily, so a command pays only for what it uses.
import type { EngineCatalog } from './engine/catalog';
import type { EngineServices } from './engine/index';
import type { LxcServices } from './lxc/index';
import type { NotifyServices } from './notify/index';
import type { RemoteServices } from './remote/index';
import type { RegistryService } from './registries';
import type { SettingsService } from './settings';
import type { UpdateServices } from './updates/index';
import type { WatchServices } from './updates/watch';

export interface AppServices {
  settings(): Promise<SettingsService>;
  registries(): Promise<RegistryService>;
  /** The active engine: local images, downloads (background worker), engine info. */
  engine(): Promise<EngineServices>;
  /** Engine `name`'s services (its downloads, for the lists of every engine's downloads). */
  engineFor(name: string): Promise<EngineServices>;
  /** The engines there are (default, docker contexts, saved, DOCKER_HOST), which is active, switching. */
  engines(): Promise<EngineCatalog>;
  /** Registries, the v1 index and Docker Hub: depots, tags, remote inspect, saved repositories, ping. */
  remote(): Promise<RemoteServices>;
  /** Update checks of local tags against their registries, and `image update`. */
  updates(): Promise<UpdateServices>;
  /** LXC images through LXD and simplestreams servers (`--type lxc`, `lxd-server`). */
  lxc(): Promise<LxcServices>;
  /** Whether LXD's (or Incus's) socket is on this host, known without loading the LXC modules (absent: ask lxc()). */
  lxcPresent?(): Promise<boolean>;
  /** Where `watch` sends notices (`notify add`): webhooks, SMTP, sendmail. */
  notify(): Promise<NotifyServices>;
  /** Scheduled update checks that tell each notifier once per new digest (`watch`, `serve --watch`). */
  watch(): Promise<WatchServices>;
}

export type { EngineCatalog, EngineServices, LxcServices, NotifyServices, RegistryService, RemoteServices, SettingsService, UpdateServices, WatchServices };
