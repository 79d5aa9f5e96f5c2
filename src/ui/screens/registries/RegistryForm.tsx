import { Box, Text } from 'ink';
import React from 'react';
import { type Registry, normalizeRegistryUrl, registryHost } from '../../../domain/registry';
import { SelectField, ToggleField } from '../../components/FormFields';
import { FORM_LABEL_WIDTH, TextField } from '../../components/TextField';
import { Wrapped } from '../../components/Wrapped';
import type { UiServices } from '../../services';
import type { Theme } from '../../theme/theme';
import { type VersionChoice, useRegistryForm } from './useRegistryForm';

const VERSIONS: { label: string; value: VersionChoice }[] = [
  { label: 'detect (ping)', value: 'auto' },
  { label: 'v2 (Docker Registry HTTP API v2 / OCI)', value: 'v2' },
  { label: 'v1 (legacy index)', value: 'v1' },
];

export function RegistryForm({ services, original, theme, width, onDone }: { services: UiServices; original: Registry | null; theme: Theme; width: number; onDone: (saved: Registry | null) => void }): React.JSX.Element {
  const f = useRegistryForm({ services, original, onDone });
  const lw = FORM_LABEL_WIDTH;
  // Inside the border and its padding.
  const inner = Math.min(width, 90) - 4;
  return (
    <Box flexDirection="column" borderStyle={theme.border.style} borderColor={theme.border.color} paddingX={1} width={Math.min(width, 90)}>
      <Text bold color={theme.text.title}>
        {f.editing ? `Edit registry ${original?.name ?? ''}` : 'Add a registry'}
      </Text>
      <TextField label="Name" value={f.values.name} cursor={f.cursors.name} focused={f.focus === 'name'} theme={theme} labelWidth={lw} width={inner} error={f.errors.name} placeholder="e.g. lab" />
      <TextField label="URL" value={f.values.url} cursor={f.cursors.url} focused={f.focus === 'url'} theme={theme} labelWidth={lw} width={inner} error={f.errors.url} placeholder="https://registry.example.com:5000" />
      <SelectField
        label="API"
        value={f.values.version}
        choices={VERSIONS}
        focused={f.focus === 'version'}
        open={f.selectOpen}
        theme={theme}
        labelWidth={lw}
        onPick={f.pickVersion}
        onClose={f.closeSelect}
      />
      <ToggleField label="Trust cert" value={f.values.trustCert} focused={f.focus === 'trustCert'} theme={theme} labelWidth={lw} hint="accept (and pin) its self-signed certificate" />
      {f.errors.trustCert ? (
        <Box marginLeft={lw + 3}>
          <Wrapped text={f.errors.trustCert} width={inner - lw - 3} color={theme.status.error} />
        </Box>
      ) : null}
      <TextField
        label="CA file"
        value={f.values.caFile}
        cursor={f.cursors.caFile}
        focused={f.focus === 'caFile'}
        theme={theme}
        labelWidth={lw}
        width={inner}
        error={f.errors.caFile}
        placeholder={original?.caCert ? '(its own CA is kept; a path replaces it)' : "(none: the system's CAs) or a PEM file's path"}
      />
      <TextField label="Username" value={f.values.username} cursor={f.cursors.username} focused={f.focus === 'username'} theme={theme} labelWidth={lw} width={inner} error={f.errors.username} placeholder="(none)" />
      <TextField
        label="Password"
        value={f.values.password}
        cursor={f.cursors.password}
        focused={f.focus === 'password'}
        theme={theme}
        labelWidth={lw}
        width={inner}
        mask="*"
        error={f.errors.password}
        placeholder={f.editing ? passwordPlaceholder(original, f.values.url) : '(none)'}
      />
      <Box marginTop={1}>
        {f.busy ? (
          <Text color={theme.status.info}>{`${f.busy}${theme.glyph.ellipsis}`}</Text>
        ) : f.formError ? (
          <Wrapped text={f.formError} width={inner} color={theme.status.error} />
        ) : (
          <Text color={theme.text.muted}>{['Enter tests and saves', 'Tab next field', 'Space toggles', 'Esc cancels'].join(theme.glyph.separator)}</Text>
        )}
      </Box>
    </Box>
  );
}

/** A saved password stays with the registry only while its host does (services/registries.ts): say so before saving. */
function passwordPlaceholder(original: Registry | null, url: string): string {
  if (!original?.password) return '(none)';
  try {
    return registryHost(normalizeRegistryUrl(url)).toLowerCase() === registryHost(original.url).toLowerCase() ? '(unchanged)' : '(not kept for another host: type it again)';
  } catch {
    return '(unchanged)';
  }
}
