// What the app says about an error: the services' messages and hints are written for the command line
// (`stevedore registry edit NAME --password-stdin`, "use --force"); in the app they are said as what to do
// there (a screen, a key, a form field). A command with no place in the app is said as one to run in a shell.
// Every error, warning and failed download the app shows goes through appWords (test/unit/ui/appWords.test.ts
// lists the hints the services give).
import { type AppError, EngineNotAnswering } from '../domain/errors';
import { sanitizeLine } from '../domain/sanitize';

/** Failures that usually come from the setup (an engine or registry out of reach, a certificate): the doctor checks it all. */
const SETUP_FAILURES = new Set<number>([495, 503]);

/** A thrown value as one line for the error banner, in the app's words. */
export function errorText(error: unknown): string {
  if (error instanceof Error && 'describe' in error && typeof (error as AppError).describe === 'function') {
    const e = error as AppError;
    // An engine the form asked says what to do in the form already (check the host, or save it anyway).
    const setup = SETUP_FAILURES.has(e.code) && !(e instanceof EngineNotAnswering);
    return appWords(setup ? `${e.describe()}; \`stevedore doctor\` checks the setup` : e.describe());
  }
  // Not one of ours: its text may come from anywhere, so it is cleaned like remote text.
  return appWords(sanitizeLine(error instanceof Error ? error.message : String(error)));
}

const REGISTRY_FORM = "the registry's form (R, then e)";
const TRUST = 'by turning on "Trust cert" (or giving its CA file) in the registry\'s form (R, then a or e)';

/** Hints written for the command line, said as what to do in the app (the specific ones first). */
const APP_WORDS: [RegExp, string][] = [
  // Registries and their certificates.
  [/(?:with )?`stevedore registry (?:ping|add|edit) [^`]*--trust-cert`(?: or `stevedore registry (?:ping|add|edit) [^`]*--trust-cert`)?/g, TRUST],
  [/`stevedore registry add [^`]*`/g, 'the Registries screen (R, then a)'],
  [/\(with --trust-cert for a self-signed certificate\)/g, '(with "Trust cert" for a self-signed certificate)'],
  [/`stevedore registry edit[^`]*`/g, REGISTRY_FORM],
  [/`stevedore registry list`/g, 'the Registries screen (R)'],
  [/--trust-cert and --ca-file go one or the other/g, '"Trust cert" and "CA file" go one or the other'],
  [/--trust-cert pins it without one/g, '"Trust cert" pins it without one'],
  [/use --username and --password-stdin/g, 'use the Username and Password fields'],
  [/a password needs a user name \(--username\)/g, 'a password needs a user name'],
  // Saved repositories.
  [/`stevedore repo update[^`]*`/g, 'the Saved repositories screen (E, then e)'],
  [/`stevedore repo rm[^`]*`/g, 'the Saved repositories screen (E, then d)'],
  [/`stevedore repo add [^`]*`/g, 'the Saved repositories screen (E, then a)'],
  [/`stevedore repo list`/g, 'the Saved repositories screen (E)'],
  // Downloads.
  [/`stevedore image downloads retry ID` starts it again/g, 'r on the Downloads screen (D) starts it again'],
  [/`stevedore image downloads`/g, 'the Downloads screen (D)'],
  [/pull it first with `stevedore image pull`/g, 'pull it first (p on its tag)'],
  // Images and platforms.
  [/use --force to remove it from every repository/g, 'f in the delete dialog removes it from every repository'],
  [/or use --force to delete the image anyway/g, 'or f in the delete dialog to delete the image anyway'],
  [/try another --platform/g, 'choose another platform (P on the tags)'],
  [/choose one with --platform/g, 'choose one with P on the tags'],
  [/\(try --platform\)/g, '(choose another platform with P)'],
  [/see `stevedore image list --type lxc --category remote --server ([^`]*)`/g, 'see its depot ($1)'],
  [/\(search it with --category dockerhub\)/g, '(search it on the Docker Hub depot, 4)'],
  [/drop --registry, or give the name without its host/g, 'give the name without its host'],
  // Engines.
  [/check the host \(and `--docker-path` for ssh\), or save it anyway with --force/g, 'check the host (and the Docker path for ssh), or Ctrl-F saves it anyway'],
  [/give its full path with `stevedore engine add [^`]*`/g, "give its full path in the engine's Docker path field (C, then e)"],
  [/`stevedore engine rm` it first, or choose another name/g, 'delete it first (C, then d), or choose another name'],
  [/`stevedore engine list`/g, 'the Engines screen (C)'],
  [/--docker-path is for ssh:\/\/ engines/g, 'Docker path is for ssh:// engines'],
  [/--tls-verify and --cert-path are for tcp:\/\/ engines/g, '"TLS verify" and "Cert path" are for tcp:// engines'],
  [/beside ca\.pem in --cert-path/g, "beside ca.pem in the engine's Cert path"],
  // Anything else of ours has no place in the app: a command to run in a shell.
  [/`stevedore doctor` checks the setup/g, '`stevedore doctor` in a shell checks the setup'],
  [/(`stevedore (?!doctor`)[^`]*`)(?! in a shell)/g, '$1 in a shell'],
];

export function appWords(text: string): string {
  let out = text;
  for (const [pattern, words] of APP_WORDS) out = out.replace(pattern, words);
  return out;
}
