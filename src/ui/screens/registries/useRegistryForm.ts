// View model of the registry form: fields, focus, local validation (the same rules as the CLI),
// then a test (ping) before saving; every error lands in the form, next to its field when it has one.
import { useState } from 'react';
import type { AppError } from '../../../domain/errors';
import { type ApiVersion, type Registry, normalizeRegistryUrl, validateRegistryName } from '../../../domain/registry';
import { FORM_KEYS, PRIORITY, useCommands } from '../../hooks/inputRouter';
import { useTextInput } from '../../hooks/useTextInput';
import { type UiServices, errorText } from '../../services';

export type FieldId = 'name' | 'url' | 'version' | 'trustCert' | 'caFile' | 'username' | 'password';
export const FIELDS: FieldId[] = ['name', 'url', 'version', 'trustCert', 'caFile', 'username', 'password'];
export type VersionChoice = 'auto' | ApiVersion;

export interface FormValues {
  name: string;
  url: string;
  version: VersionChoice;
  trustCert: boolean;
  /** The path of a CA file (PEM); empty keeps the registry's own CA when editing. */
  caFile: string;
  username: string;
  password: string;
}

export function initialValues(registry: Registry | null): FormValues {
  return registry
    ? { name: registry.name, url: registry.url, version: registry.version, trustCert: registry.trustCert, caFile: '', username: registry.username, password: '' }
    : { name: '', url: '', version: 'auto', trustCert: false, caFile: '', username: '', password: '' };
}

/** Field errors from the rules the service applies (so the form says them before any request). */
export function validate(values: FormValues): Partial<Record<FieldId, string>> {
  const errors: Partial<Record<FieldId, string>> = {};
  try {
    validateRegistryName(values.name);
  } catch (error) {
    errors.name = (error as Error).message;
  }
  try {
    normalizeRegistryUrl(values.url);
  } catch (error) {
    errors.url = (error as Error).message;
  }
  if (/[:\s]/.test(values.username.trim())) errors.username = 'must not contain ":" or spaces';
  // As the CLI's --trust-cert and --ca-file.
  if (values.trustCert && values.caFile.trim()) errors.caFile = 'Trust cert and CA file go one or the other: a CA verifies the certificate; Trust cert pins it without one';
  return errors;
}

export function useRegistryForm(props: { services: UiServices; original: Registry | null; onDone: (saved: Registry | null) => void }) {
  const { services, original, onDone } = props;
  const [values, setValues] = useState<FormValues>(() => initialValues(original));
  const [focus, setFocus] = useState<FieldId>('name');
  const [errors, setErrors] = useState<Partial<Record<FieldId, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [selectOpen, setSelectOpen] = useState(false);

  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
    setFormError(null);
  };
  const edit = (key: 'name' | 'url' | 'caFile' | 'username' | 'password') => (update: (previous: string) => string) => {
    setValues((v) => ({ ...v, [key]: update(v[key]) }));
    setErrors((e) => ({ ...e, [key]: undefined }));
    setFormError(null);
  };
  const inputs = {
    name: useTextInput(values.name, edit('name')),
    url: useTextInput(values.url, edit('url')),
    caFile: useTextInput(values.caFile, edit('caFile')),
    username: useTextInput(values.username, edit('username')),
    password: useTextInput(values.password, edit('password')),
  };
  const move = (delta: number) => setFocus((f) => FIELDS[(FIELDS.indexOf(f) + delta + FIELDS.length) % FIELDS.length] ?? 'name');

  const submit = async () => {
    const found = validate(values);
    if (Object.values(found).some(Boolean)) {
      setErrors(found);
      const first = FIELDS.find((f) => found[f]);
      if (first) setFocus(first);
      return;
    }
    try {
      setBusy(`testing ${values.url}`);
      const caFile = values.caFile.trim() ? values.caFile.trim() : undefined;
      const detected = await services.registries.ping({ url: values.url, trustCert: values.trustCert, ...(caFile !== undefined ? { caFile } : {}) });
      const version = values.version === 'auto' ? detected : values.version;
      setBusy('saving');
      const saved = await services.registries.save(original?.name ?? null, {
        name: values.name,
        url: values.url,
        version,
        trustCert: values.trustCert,
        ...(caFile !== undefined ? { caFile } : {}),
        username: values.username.trim(),
        // An empty password on edit keeps the stored one unless the user name changed.
        ...(values.password || !original || values.username.trim() !== original.username ? { password: values.password } : {}),
      });
      onDone(saved);
    } catch (error) {
      const code = (error as AppError).code;
      const text = errorText(error);
      if (code === 400 && /CA file/.test(text)) setErrors({ caFile: text });
      else if (code === 409 && /named/.test(text)) setErrors({ name: text });
      else if (code === 400 && /URL/i.test(text)) setErrors({ url: text });
      else if (code === 495) setErrors({ trustCert: text });
      else if (code === 401) setErrors({ password: text });
      else setFormError(text);
    } finally {
      setBusy(null);
    }
  };

  const textField = focus === 'name' || focus === 'url' || focus === 'caFile' || focus === 'username' || focus === 'password';
  useCommands(
    ['form'],
    (command) => {
      switch (command) {
        case 'form.next':
          move(1);
          return true;
        case 'form.previous':
          move(-1);
          return true;
        case 'form.toggle':
          if (focus === 'trustCert') set('trustCert', !values.trustCert);
          else if (focus === 'version') setSelectOpen(true);
          return true;
        case 'form.submit':
          if (focus === 'version') setSelectOpen(true);
          else void submit();
          return true;
        case 'form.cancel':
          onDone(null);
          return true;
      }
    },
    // While it tests and saves, keys wait (then go to the form, or to the screen once it has closed).
    { priority: PRIORITY.dialog, modal: true, typing: textField, active: !selectOpen, waiting: busy !== null, refusal: FORM_KEYS, commands: ['form.next', 'form.previous', 'form.toggle', 'form.submit', 'form.cancel'], ...(textField ? { onText: inputs[focus].onText } : {}) },
  );

  return {
    values,
    cursors: { name: inputs.name.cursor, url: inputs.url.cursor, caFile: inputs.caFile.cursor, username: inputs.username.cursor, password: inputs.password.cursor },
    set,
    focus,
    errors,
    formError,
    busy,
    selectOpen,
    pickVersion: (v: VersionChoice) => {
      set('version', v);
      setSelectOpen(false);
    },
    closeSelect: () => setSelectOpen(false),
    editing: original !== null,
  };
}
