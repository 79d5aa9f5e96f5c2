// Lint rules, including the layering of ../shared/STYLE.md:
// cli -> serve | commands | app -> views -> services -> clients; domain is imported by all and imports nothing
// of ours. The views (src/views) are the one place where services become what a person or a script sees.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});
const group = (names, message) => ({ group: names, message });

const noUiLibs = group(['react', 'react/*', 'ink', 'ink-*', 'ink/*'], 'services, clients, store and domain stay free of React/Ink.');
const noClients = group(['**/clients/*', '**/clients/**'], 'only services (and the composition root) talk to clients.');
const noRawProtocols = group(['dockerode', 'undici', 'docker-modem'], 'protocol libraries live in src/clients.');
const noServices = group(['**/services/*', '**/services/**'], 'a lower layer must not import services.');
const noUi = group(['**/ui/*', '**/ui/**', '**/app/*', '**/app/**'], 'a lower layer must not import the UI.');
const noCommands = group(['**/commands/*', '**/commands/**'], 'commands are wired by the composition root only.');
const noStore = group(['**/store/*', '**/store/**'], 'the store is reached through services.');
const noOurs = group(['../*', '../**', './*/**'], 'domain imports nothing of ours outside src/domain.');
const noViews = group(['**/views/*', '**/views/**'], 'the views are used by the surfaces (commands, serve, app), not by what they are built on.');
const noSurfaces = group(['**/serve/*', '**/serve/**', '**/commands/*', '**/commands/**'], 'the views serve every surface: they import none of them.');

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', 'scripts/empty-module.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', fetch: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', setImmediate: 'readonly', performance: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-control-regex': 'off',
    },
  },
  { files: ['src/domain/**'], rules: restrict([noOurs, noUiLibs, noRawProtocols]) },
  { files: ['src/store/**'], rules: restrict([noUiLibs, noRawProtocols, noClients, noServices, noUi, noCommands, noViews]) },
  { files: ['src/clients/**'], rules: restrict([noUiLibs, noServices, noUi, noCommands, noStore, noViews]) },
  { files: ['src/services/**'], rules: restrict([noUiLibs, noRawProtocols, noUi, noCommands, noViews]) },
  { files: ['src/views/**'], rules: restrict([noUiLibs, noClients, noRawProtocols, noStore, noUi, noSurfaces]) },
  { files: ['src/ui/**', 'src/app/**'], rules: restrict([noClients, noRawProtocols, noStore, noCommands]) },
  { files: ['src/commands/**'], rules: restrict([noClients, noRawProtocols, noStore, noUi]) },
  // serve is a surface like the commands: routes are thin adapters over the views. It keeps its own files
  // (login, download notes) in the store; its `serve` command (command.ts) is registered like the CLI's.
  { files: ['src/serve/**'], ignores: ['src/serve/command.ts'], rules: restrict([noUiLibs, noClients, noRawProtocols, noUi, noCommands]) },
  { files: ['src/serve/command.ts'], rules: restrict([noUiLibs, noClients, noRawProtocols, noUi]) },
  {
    files: ['src/ui/**', 'src/app/**', 'test/ui/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
