import { Box, Text } from 'ink';
import React from 'react';
import { ToggleField } from '../../components/FormFields';
import { FORM_LABEL_WIDTH, TextField } from '../../components/TextField';
import { Wrapped } from '../../components/Wrapped';
import type { EngineRow, UiServices } from '../../services';
import type { Theme } from '../../theme/theme';
import { useEngineForm } from './useEngineForm';

export function EngineForm({ services, original, theme, width, onDone }: { services: UiServices; original: EngineRow | null; theme: Theme; width: number; onDone: (saved: string | null, problem?: string | null) => void }): React.JSX.Element {
  const f = useEngineForm({ services, original, onDone });
  const lw = FORM_LABEL_WIDTH;
  // Inside the border and its padding.
  const inner = Math.min(width, 90) - 4;
  return (
    <Box flexDirection="column" borderStyle={theme.border.style} borderColor={theme.border.color} paddingX={1} width={Math.min(width, 90)}>
      <Text bold color={theme.text.title}>
        {f.editing ? `Edit engine ${original?.name ?? ''}` : 'Add an engine'}
      </Text>
      <TextField label="Name" value={f.values.name} cursor={f.cursors.name} focused={f.focus === 'name'} theme={theme} labelWidth={lw} width={inner} error={f.errors.name} placeholder="e.g. nas" />
      <TextField label="Host" value={f.values.host} cursor={f.cursors.host} focused={f.focus === 'host'} theme={theme} labelWidth={lw} width={inner} error={f.errors.host} placeholder="ssh://admin@nas.local" />
      <TextField label="Docker path" value={f.values.dockerPath} cursor={f.cursors.dockerPath} focused={f.focus === 'dockerPath'} theme={theme} labelWidth={lw} width={inner} error={f.errors.dockerPath} placeholder="(ssh: docker on the remote PATH)" />
      <ToggleField label="TLS verify" value={f.values.tlsVerify} focused={f.focus === 'tlsVerify'} theme={theme} labelWidth={lw} hint="tcp: verify the engine's certificate" />
      <TextField label="Cert path" value={f.values.certPath} cursor={f.cursors.certPath} focused={f.focus === 'certPath'} theme={theme} labelWidth={lw} width={inner} error={f.errors.certPath} placeholder="(tcp+TLS: dir with ca.pem, cert.pem, key.pem)" />
      <Box marginTop={1}>
        {f.busy ? (
          <Text color={theme.status.info}>{`${f.busy}${theme.glyph.ellipsis}`}</Text>
        ) : f.formError ? (
          <Box flexDirection="column">
            <Wrapped text={f.formError} width={inner} color={theme.status.error} />
            {f.unanswered ? <Text color={theme.text.muted}>{['Ctrl-F saves it anyway', 'Enter asks again', 'Esc cancels'].join(theme.glyph.separator)}</Text> : null}
          </Box>
        ) : (
          <Text color={theme.text.muted}>{['Enter checks and saves', 'Tab next field', 'Space toggles', 'Esc cancels'].join(theme.glyph.separator)}</Text>
        )}
      </Box>
    </Box>
  );
}
