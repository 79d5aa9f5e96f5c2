// settings.json: the keys of src/domain/settings.ts. An unknown key is dropped and a bad value is
// reset to its default (with a warning); a file that is not a JSON object is moved aside.
import { type SettingKey, type Settings, SETTING_KEYS, checkStoredSetting, defaultSettings } from '../domain/settings';
import { JsonStore } from './jsonStore';

export class SettingsStore {
  private readonly file: JsonStore<Settings & Record<string, unknown>>;

  constructor(dir: string, warn: (message: string) => void) {
    this.file = new JsonStore({
      dir,
      name: 'settings',
      defaults: () => ({ ...defaultSettings() }),
      validate: (raw) => validateSettings(raw, warn),
      warn,
    });
  }

  get path(): string {
    return this.file.path;
  }

  all(): Settings {
    return this.file.read();
  }

  get<K extends SettingKey>(key: K): Settings[K] {
    return this.file.read()[key];
  }

  set<K extends SettingKey>(key: K, value: Settings[K]): void {
    this.file.update((current) => ({ ...current, [key]: value }));
  }
}

function validateSettings(raw: unknown, warn: (message: string) => void): Settings & Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new TypeError('settings must be an object');
  const record = raw as Record<string, unknown>;
  const out = defaultSettings();
  for (const key of SETTING_KEYS) {
    if (!(key in record)) continue;
    const value = checkStoredSetting(key, record[key]);
    if (value === undefined) {
      warn(`setting ${key} had an invalid value; using the default`);
      continue;
    }
    (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out as Settings & Record<string, unknown>;
}
