// Where stevedore keeps its files: STEVEDORE_CONFIG_DIR, else $XDG_CONFIG_HOME/stevedore,
// else ~/.config/stevedore (DESIGN.md "Settings and environment").
import { homedir } from 'node:os';
import { join } from 'node:path';

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STEVEDORE_CONFIG_DIR) return env.STEVEDORE_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(base, 'stevedore');
}
