// Add a saved repository (name + credentials), or update its credentials. Adding checks access with
// the credentials given (the service answers 401 when they are wrong); errors stay in the form.
import { Box, Text } from 'ink';
import React, { useState } from 'react';
import { FORM_LABEL_WIDTH, TextField } from '../../components/TextField';
import { Wrapped } from '../../components/Wrapped';
import { FORM_KEYS, PRIORITY, useCommands } from '../../hooks/inputRouter';
import { useTextInput } from '../../hooks/useTextInput';
import { type UiServices, errorText } from '../../services';
import type { Theme } from '../../theme/theme';

type Field = 'name' | 'username' | 'password';

export function RepositoryForm({ services, editing, theme, width, onDone }: { services: UiServices; editing: string | null; theme: Theme; width: number; onDone: (saved: string | null) => void }): React.JSX.Element {
  const fields: Field[] = editing ? ['username', 'password'] : ['name', 'username', 'password'];
  const [values, setValues] = useState({ name: editing ?? '', username: '', password: '' });
  const [focus, setFocus] = useState<Field>(fields[0] ?? 'username');
  const [error, setError] = useState<{ field: Field | null; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (!editing && !values.name.trim()) return setError({ field: 'name', text: 'give the repository as HOST/PATH, e.g. registry.example.com:5000/team/app' });
    setBusy(true);
    try {
      const creds = { username: values.username.trim(), password: values.password };
      if (editing) await services.repositories.update(editing, creds);
      else await services.repositories.add(values.name.trim(), creds);
      onDone(editing ?? values.name.trim());
    } catch (e) {
      const code = (e as { code?: number }).code;
      setError({ field: code === 401 ? 'password' : code === 400 || code === 404 || code === 409 ? (editing ? null : 'name') : null, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };

  useCommands(
    ['form'],
    (command) => {
      const i = fields.indexOf(focus);
      if (command === 'form.next') setFocus(fields[(i + 1) % fields.length] ?? focus);
      else if (command === 'form.previous') setFocus(fields[(i - 1 + fields.length) % fields.length] ?? focus);
      else if (command === 'form.submit') void submit();
      else if (command === 'form.cancel') onDone(null);
    },
    { priority: PRIORITY.dialog, modal: true, typing: true, waiting: busy, refusal: FORM_KEYS, commands: ['form.next', 'form.previous', 'form.submit', 'form.cancel'], onText: (event) => inputs[focus].onText(event) },
  );
  const edit = (k: Field) => (update: (previous: string) => string) => {
    setValues((s) => ({ ...s, [k]: update(s[k]) }));
    setError(null);
  };
  const inputs = { name: useTextInput(values.name, edit('name')), username: useTextInput(values.username, edit('username')), password: useTextInput(values.password, edit('password')) };
  const fieldError = (k: Field) => (error?.field === k ? error.text : undefined);
  const lw = FORM_LABEL_WIDTH;
  // Inside the border and its padding.
  const inner = Math.min(width, 90) - 4;
  return (
    <Box flexDirection="column" borderStyle={theme.border.style} borderColor={theme.border.color} paddingX={1} width={Math.min(width, 90)}>
      <Text bold color={theme.text.title}>
        {editing ? `Credentials for ${editing}` : 'Add a saved repository'}
      </Text>
      {!editing ? <TextField label="Name" value={values.name} cursor={inputs.name.cursor} focused={focus === 'name'} theme={theme} labelWidth={lw} width={inner} error={fieldError('name')} placeholder="registry.example.com:5000/team/app" /> : null}
      <TextField label="Username" value={values.username} cursor={inputs.username.cursor} focused={focus === 'username'} theme={theme} labelWidth={lw} width={inner} error={fieldError('username')} placeholder="(none)" />
      <TextField label="Password" value={values.password} cursor={inputs.password.cursor} focused={focus === 'password'} theme={theme} labelWidth={lw} width={inner} mask="*" error={fieldError('password')} placeholder="(none)" />
      <Box marginTop={1}>
        {busy ? (
          <Text color={theme.status.info}>{`checking access${theme.glyph.ellipsis}`}</Text>
        ) : error && !error.field ? (
          <Wrapped text={error.text} width={inner} color={theme.status.error} />
        ) : (
          <Text color={theme.text.muted}>{['Enter saves (checks access first)', 'Tab next field', 'Esc cancels'].join(theme.glyph.separator)}</Text>
        )}
      </Box>
    </Box>
  );
}
