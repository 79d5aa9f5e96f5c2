// The registries part of the screens' port: the list (read from the settings file on every call, so it is
// what another shell saved), a light poll that says when it changed (the tabs and the Registries screen
// follow a rename made elsewhere), saving through the service's checks, removing and pinging.
import type { RegistryService } from '../services/index';
import type { UiServices } from '../ui/services';

const REGISTRIES_POLL_MS = 2_000;

function signature(list: readonly { name: string; url: string; version?: string; username?: string; trustCert?: boolean }[]): string {
  return JSON.stringify(list.map((r) => [r.name, r.url, r.version ?? '', r.username ?? '', r.trustCert ?? false]));
}

export function registriesPort(registries: RegistryService): UiServices['registries'] {
  return {
    list: () => registries.list(),
    watch: (onChange) => {
      // The settings file is small: a light poll (never a frame when nothing changed) that does not keep
      // the process alive.
      let last = signature(registries.list());
      const timer = setInterval(() => {
        let next: string;
        try {
          next = signature(registries.list());
        } catch {
          return;
        }
        if (next !== last) {
          last = next;
          onChange();
        }
      }, REGISTRIES_POLL_MS);
      timer.unref();
      return () => clearInterval(timer);
    },
    save: async (original, input) => {
      const common = {
        url: input.url,
        trustCert: input.trustCert,
        username: input.username,
        ...(input.version ? { version: input.version } : {}),
        ...(input.password !== undefined ? { password: input.password } : {}),
      };
      return original ? registries.edit(original, { name: input.name, ...common }) : registries.add({ name: input.name, ...common });
    },
    remove: async (name) => {
      registries.remove(name);
    },
    ping: (input) => registries.ping(input.url, input.trustCert),
  };
}
