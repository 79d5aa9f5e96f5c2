// `stevedore config list|get|set`: the settings table of src/domain/settings.ts over the store.
import { InvalidInput } from '../domain/errors';
import { SETTINGS, SETTING_KEYS, type SettingKey, type Settings, isSettingKey, parseSetting } from '../domain/settings';

export interface SettingsStoreLike {
  all(): Settings;
  set<K extends SettingKey>(key: K, value: Settings[K]): void;
  readonly path: string;
}

export interface SettingRow {
  key: SettingKey;
  value: Settings[SettingKey];
  default: Settings[SettingKey];
  description: string;
}

export class SettingsService {
  constructor(private readonly store: SettingsStoreLike) {}

  get path(): string {
    return this.store.path;
  }

  all(): Settings {
    return this.store.all();
  }

  list(): SettingRow[] {
    const values = this.store.all();
    return SETTING_KEYS.map((key) => ({ key, value: values[key], default: SETTINGS[key].default, description: SETTINGS[key].description }));
  }

  get(key: string): Settings[SettingKey] {
    return this.store.all()[checkKey(key)];
  }

  set(key: string, text: string): Settings[SettingKey] {
    const k = checkKey(key);
    const value = parseSetting(k, text);
    this.store.set(k, value);
    return value;
  }
}

function checkKey(key: string): SettingKey {
  if (!isSettingKey(key)) throw new InvalidInput(`unknown setting "${key}": one of ${SETTING_KEYS.join(', ')}`);
  return key;
}
