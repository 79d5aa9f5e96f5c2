// Where stevedore keeps its files: STEVEDORE_CONFIG_DIR, else $XDG_CONFIG_HOME/stevedore,
// else ~/.config/stevedore (DESIGN.md "Settings and environment"; the rule is in domain/settings.ts).
import { settingsDir } from '../domain/settings';

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return settingsDir(env);
}
