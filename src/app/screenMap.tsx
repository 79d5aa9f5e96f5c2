// The screen map: which component draws each kind of screen of the navigation union, and what it may
// ask the app for (another screen, a download).
import React from 'react';
import type { RemoteImage } from '../domain/images';
import type { Registry } from '../domain/registry';
import type { BannerMessage } from '../ui/components/ErrorBanner';
import type { ExternalStore } from '../ui/hooks/useStore';
import { DepotsScreen } from '../ui/screens/depots/DepotsScreen';
import { DownloadsScreen } from '../ui/screens/downloads/DownloadsScreen';
import { EnginesScreen } from '../ui/screens/engines/EnginesScreen';
import { InspectScreen } from '../ui/screens/inspect/InspectScreen';
import { RegistriesScreen } from '../ui/screens/registries/RegistriesScreen';
import { RepositoriesScreen } from '../ui/screens/repositories/RepositoriesScreen';
import { TagsScreen } from '../ui/screens/tags/TagsScreen';
import type { DownloadsView, UiServices } from '../ui/services';
import type { Theme } from '../ui/theme/theme';
import type { InspectTarget, Screen } from './navigation';

/** What the screens may ask the app for. */
export interface AppActions {
  push(screen: Screen): void;
  pull(ref: string, registry: string | undefined, platform?: string): void;
  /** The sampled downloads (progress at most every half second). */
  downloads: ExternalStore<DownloadsView>;
  seenFailed(ids: readonly string[]): void;
  /** The download this session started last (`p`), or null: the Downloads screen selects it once listed. */
  started: string | null;
  showMessage(message: BannerMessage): void;
  registries: Registry[];
  registriesChanged(): void;
  /** Repositories with a download running (for the ↓ mark on local rows). */
  downloading: ReadonlySet<string>;
  /** A depot picked by number on a screen over the depots. */
  pickTab: { index: number; seq: number } | null;
}

export function title(screen: Screen): string {
  switch (screen.kind) {
    case 'depots':
      return 'Depots';
    case 'tags':
      return `Tags of ${screen.image.name}`;
    case 'inspect':
      return `Inspect ${screen.target.title}`;
    case 'downloads':
      return 'Downloads';
    case 'registries':
      return 'Registries';
    case 'repositories':
      return 'Saved repositories';
    case 'engines':
      return 'Engines';
  }
}

export function renderScreen(s: Screen, common: { services: UiServices; theme: Theme; width: number; height: number; active: boolean }, app: AppActions): React.ReactNode {
  const inspect = (target: InspectTarget) => app.push({ kind: 'inspect', target });
  switch (s.kind) {
    case 'depots':
      return (
        <DepotsScreen
          {...common}
          registries={app.registries}
          downloading={app.downloading}
          pickTab={app.pickTab}
          actions={{
            openTags: (image: RemoteImage, registry) => app.push({ kind: 'tags', image, registry }),
            inspect,
            pull: (ref, registry) => app.pull(ref, registry),
          }}
        />
      );
    case 'tags':
      return <TagsScreen {...common} image={s.image} registry={s.registry} actions={{ inspect, pull: app.pull }} />;
    case 'inspect':
      return <InspectScreen {...common} target={s.target} actions={{ pull: app.pull }} />;
    case 'downloads':
      return <DownloadsScreen {...common} store={app.downloads} started={app.started} actions={{ seenFailed: app.seenFailed, showMessage: app.showMessage }} />;
    case 'registries':
      return <RegistriesScreen {...common} onChanged={app.registriesChanged} />;
    case 'repositories':
      return <RepositoriesScreen {...common} />;
    case 'engines':
      return <EnginesScreen {...common} />;
  }
}
