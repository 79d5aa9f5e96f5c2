// The registries part of the screens' port: the list (read from the settings file on every call, so it is
// what another shell saved), a light poll that says when it changed (the tabs and the Registries screen
// follow a rename made elsewhere), saving through the service's checks, removing and pinging.
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { RegistryService } from '../services/index';
import { readCaFile } from '../services/registryCa';
import type { UiServices } from '../ui/services';

const REGISTRIES_POLL_MS = 2_000;

function signature(list: readonly { name: string; url: string; version?: string; username?: string; trustCert?: boolean }[]): string {
  return JSON.stringify(list.map((r) => [r.name, r.url, r.version ?? '', r.username ?? '', r.trustCert ?? false]));
}

/** The CA file typed in the form: read and checked as `--ca-file` is, named as the form names it. */
function caOf(path: string): string {
  const typed = path.trim();
  // Typed in a form, not a shell: `~/` is expanded here as the shell would have.
  const full = typed === '~' || typed.startsWith('~/') ? resolve(homedir(), typed.slice(2)) : typed;
  return readCaFile(full, 'CA file');
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
        ...(input.caFile !== undefined ? { caCert: caOf(input.caFile) } : {}),
      };
      return original ? registries.edit(original, { name: input.name, ...common }) : registries.add({ name: input.name, ...common });
    },
    remove: async (name) => {
      registries.remove(name);
    },
    ping: async (input) => registries.ping(input.url, input.trustCert, input.caFile !== undefined ? caOf(input.caFile) : undefined),
  };
}
