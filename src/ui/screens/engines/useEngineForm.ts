// View model of the engine form (add or edit a saved engine): name, host, docker path (ssh), TLS verify and
// cert path (tcp). The catalog checks the same rules as `engine add`; its errors land next to their field.
// Enter asks the engine for its version first, as `engine add` does: one that does not answer is not saved,
// the form says why and offers Ctrl-F to save it anyway (the CLI's --force).
import { useState } from 'react';
import { type AppError, EngineNotAnswering } from '../../../domain/errors';
import { engineNameProblem } from '../../../domain/engines';
import { FORM_KEYS, PRIORITY, disabledWhen, useCommands } from '../../hooks/inputRouter';
import { useTextInput } from '../../hooks/useTextInput';
import { type EngineFormInput, type EngineRow, type UiServices, errorText } from '../../services';

export type EngineFieldId = 'name' | 'host' | 'dockerPath' | 'tlsVerify' | 'certPath';
export const ENGINE_FIELDS: EngineFieldId[] = ['name', 'host', 'dockerPath', 'tlsVerify', 'certPath'];

export function initialEngineValues(row: EngineRow | null): EngineFormInput {
  return row?.saved
    ? { name: row.name, host: row.host, tlsVerify: row.saved.tlsVerify, certPath: row.saved.certPath ?? '', dockerPath: row.saved.dockerPath ?? '' }
    : { name: '', host: '', tlsVerify: false, certPath: '', dockerPath: '' };
}

export function validateEngine(values: EngineFormInput): Partial<Record<EngineFieldId, string>> {
  const errors: Partial<Record<EngineFieldId, string>> = {};
  const name = engineNameProblem(values.name.trim());
  if (name) errors.name = name;
  if (!/^(ssh|tcp|unix):\/\/./.test(values.host.trim())) errors.host = 'ssh://user@host[:port], tcp://host:port or unix:///path';
  return errors;
}

export function useEngineForm(props: { services: UiServices; original: EngineRow | null; onDone: (saved: string | null, problem?: string | null) => void }) {
  const { services, original, onDone } = props;
  const [values, setValues] = useState<EngineFormInput>(() => initialEngineValues(original));
  const [focus, setFocus] = useState<EngineFieldId>('name');
  const [errors, setErrors] = useState<Partial<Record<EngineFieldId, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // The engine did not answer when these values were tried: Ctrl-F saves them anyway (any change withdraws it).
  const [unanswered, setUnanswered] = useState(false);

  const edit = (key: 'name' | 'host' | 'dockerPath' | 'certPath') => (update: (previous: string) => string) => {
    setValues((v) => ({ ...v, [key]: update(v[key]) }));
    setErrors((e) => ({ ...e, [key]: undefined }));
    setFormError(null);
    setUnanswered(false);
  };
  const inputs = {
    name: useTextInput(values.name, edit('name')),
    host: useTextInput(values.host, edit('host')),
    dockerPath: useTextInput(values.dockerPath, edit('dockerPath')),
    certPath: useTextInput(values.certPath, edit('certPath')),
  };
  const move = (delta: number) => setFocus((f) => ENGINE_FIELDS[(ENGINE_FIELDS.indexOf(f) + delta + ENGINE_FIELDS.length) % ENGINE_FIELDS.length] ?? 'name');

  const submit = async (force: boolean) => {
    const found = validateEngine(values);
    if (Object.values(found).some(Boolean)) {
      setErrors(found);
      const first = ENGINE_FIELDS.find((f) => found[f]);
      if (first) setFocus(first);
      return;
    }
    setBusy(force ? 'saving' : `asking ${values.host.trim()}`);
    setUnanswered(false);
    try {
      const { problem } = await services.engines.save(original?.name ?? null, { ...values, name: values.name.trim(), host: values.host.trim() }, { force });
      onDone(values.name.trim(), problem);
    } catch (error) {
      const text = errorText(error);
      const code = (error as AppError).code;
      if (error instanceof EngineNotAnswering) {
        setFormError(text);
        setUnanswered(true);
      } else if (code === 409 || /name/i.test(text)) setErrors({ name: text });
      else if (/docker.path/i.test(text)) setErrors({ dockerPath: text });
      else if (/tls|cert|ca\.pem/i.test(text)) setErrors({ certPath: text });
      else if (code === 400) setErrors({ host: text });
      else setFormError(text);
    } finally {
      setBusy(null);
    }
  };

  const textField = focus !== 'tlsVerify';
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
          if (focus === 'tlsVerify') {
            setValues((v) => ({ ...v, tlsVerify: !v.tlsVerify }));
            setUnanswered(false);
          }
          return true;
        case 'form.submit':
          void submit(false);
          return true;
        case 'form.force':
          void submit(true);
          return true;
        case 'form.cancel':
          onDone(null);
          return true;
      }
    },
    {
      priority: PRIORITY.dialog,
      modal: true,
      typing: textField,
      waiting: busy !== null,
      refusal: FORM_KEYS,
      disabled: disabledWhen({ 'form.force': !unanswered && 'nothing to save anyway: Enter first asks the engine; Ctrl-F then saves one that does not answer' }),
      ...(textField ? { onText: inputs[focus as Exclude<EngineFieldId, 'tlsVerify'>].onText } : {}),
    },
  );

  return {
    values,
    cursors: { name: inputs.name.cursor, host: inputs.host.cursor, dockerPath: inputs.dockerPath.cursor, certPath: inputs.certPath.cursor },
    focus,
    errors,
    formError,
    busy,
    unanswered,
    editing: original !== null,
  };
}
