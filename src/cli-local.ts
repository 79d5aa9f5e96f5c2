// The engine side of the composition root's wiring (engines, engine services, update checks), as one module
// cli.tsx loads on first use: one chunk of the bundle instead of a dozen (see cli-config.ts).
export { createUpdateServices } from './services/updates/index';
export { UpdatesStore } from './store/updatesStore';
export { PreviousStore } from './store/previousStore';
export { systemClock } from './services/clock';
export { EngineCatalog } from './services/engine/catalog';
export { EngineStore } from './store/engineStore';
export { createEngineServices } from './services/engine/index';
