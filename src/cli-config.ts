// The settings and the registries (folder, stores, services, credentials), as one module the composition root
// (cli.tsx) loads on first use: one chunk of the bundle instead of a dozen (each module file costs Node ~0.5 ms
// to resolve, read and link; a few kB more code to parse costs less). The engine side is cli-local.ts; the
// registry client (undici), LXD and the app stay apart.
export { configDir } from './store/paths';
export { SettingsStore } from './store/settingsStore';
export { SettingsService } from './services/settings';
export { RegistryStore } from './store/registryStore';
export { RegistryService } from './services/registries';
export { CredentialResolver } from './store/credentials';
