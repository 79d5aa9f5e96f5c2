// The engines part of the screens' port: the engines there are (fast, and with their answers), switching
// (remembered for the next start, as `engine use`: DOCKER_HOST still wins), saving and removing, and which
// rule chose the engine in use (the header says it). Also the prefetch helpers of the first frame.
import { Conflict } from '../domain/errors';
import type { EngineEntry, EngineStatus as EngineAnswer } from '../domain/engines';
import type { EngineInfo } from '../services/engine/index';
import type { EngineCatalog } from '../services/index';
import type { EngineRow, EngineStatus, UiServices } from '../ui/services';
import { engineRuleText } from '../views/engines';

export function engineRow(e: EngineEntry | EngineAnswer): EngineRow {
  const answered = 'reachable' in e;
  return {
    name: e.name,
    host: e.host,
    source: e.source,
    active: e.active,
    reachable: answered ? e.reachable : null,
    version: answered ? e.version : null,
    error: answered ? e.error : null,
    saved: e.saved ? { tlsVerify: e.saved.tlsVerify, certPath: e.saved.certPath, dockerPath: e.saved.dockerPath } : null,
  };
}

export function engineStatus(info: EngineInfo): EngineStatus {
  return { host: info.host, reachable: info.reachable, error: info.error?.message ?? null, platform: info.platform, imagesSize: info.imagesSize };
}

/**
 * The engines port. `switched` runs before the listeners hear of a switch (what was prefetched belongs to
 * the engine left behind).
 */
export function enginesPort(catalog: EngineCatalog, switched: () => void): UiServices['engines'] {
  const listeners = new Set<() => void>();
  return {
    active: () => catalog.activeName(),
    rule: () => {
      const rule = catalog.choice().rule;
      // Switched here, remembered for the next start unless the environment names another engine.
      const next = catalog.choice(false);
      const wins = rule === 'switched' && (next.rule === 'DOCKER_HOST' || next.rule === 'DOCKER_CONTEXT') ? `; ${next.rule} wins at the next start` : '';
      return `${engineRuleText(rule)}${wins}`;
    },
    startsOn: () => catalog.defaultName(),
    list: async () => catalog.list().map(engineRow),
    check: async () => (await catalog.check()).map(engineRow),
    switchTo: async (name) => {
      if (name === catalog.activeName()) return;
      catalog.select(name);
      switched();
      for (const listener of listeners) listener();
    },
    save: async (original, input, options = {}) => {
      const fields = {
        name: input.name,
        host: input.host,
        tlsVerify: input.tlsVerify,
        certPath: input.certPath.trim() || null,
        dockerPath: input.dockerPath.trim() || null,
      };
      const force = options.force ?? false;
      const { problem } = original ? await catalog.editChecked(original, fields, force) : await catalog.addChecked(fields, force);
      return { problem };
    },
    remove: async (name) => {
      if (name === catalog.activeName()) throw new Conflict(`"${name}" is the engine in use`, { hint: 'switch to another engine first' });
      catalog.remove(name);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Hands out a prefetched answer once, then asks again. */
export function once<T>(value: Promise<T> | undefined): () => Promise<T> | undefined {
  let left = value;
  return () => {
    const v = left;
    left = undefined;
    return v;
  };
}

/** What a promise settled with within `ms` (undefined when it has not, or failed). */
export function within<T>(promise: Promise<T> | undefined, ms: number): Promise<T | undefined> {
  if (!promise) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      () => (clearTimeout(timer), resolve(undefined)),
    );
  });
}
