// Every error the app shows is said in the app's words (src/ui/appWords.ts): no command-line flag, and no
// command of ours but as one to run in a shell. The hints and messages the services give are read from the
// source, so a new one written for the command line fails here until the app has words for it.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appWords, errorText } from '../../../src/ui/appWords';
import { Conflict, EngineNotAnswering, NotFound, Unreachable } from '../../../src/domain/errors';

const ROOT = join(__dirname, '../../../src');
/** Where the errors the app can meet come from (the CLI's own verbs, serve, watch, notify and doctor are not in the app). */
const APP_SOURCES = ['services', 'clients', 'domain', 'views', 'store', 'app'];
const CLI_ONLY = [/services\/notify\//, /clients\/notify\//, /domain\/notifiers\.ts$/, /services\/updates\/(schedule|watch)\.ts$/, /services\/doctor\//, /services\/remote\/health\.ts$/, /store\/serveLogin\.ts$/, /services\/registryCa\.ts$/];
/** Messages only a command line can cause (flags the app never sets). */
const CLI_ONLY_TEXT = [/--limit must be/, /--type must be docker or lxc/, /LXC images are listed, inspected and pulled with --type lxc/, /--system is for systemd/, /--trust-cert needs to read the certificate/, /without --user for --system/];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The string literals of hints and error messages (template parts as X), that speak of flags or of our commands. */
function cliTexts(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const dir of APP_SOURCES) {
    for (const file of files(join(ROOT, dir))) {
      const rel = file.slice(ROOT.length + 1);
      if (CLI_ONLY.some((p) => p.test(rel))) continue;
      const source = readFileSync(file, 'utf8');
      const literal = /(?:hint:\s*|new [A-Z]\w*\(\s*(?:\d{3}\s*(?:as ErrorCode)?,\s*)?|warn\(|fix: |trustHint: )(`(?:[^`\\]|\\.)*`|'(?:[^'\\]|\\.)*')/g;
      for (const m of source.matchAll(literal)) {
        const raw = m[1] ?? '';
        const text = raw
          .slice(1, -1)
          .replace(/\$\{(?:[^{}]|\{[^{}]*\})*\}/g, 'X')
          .replace(/\\`/g, '`')
          .replace(/\\'/g, "'");
        if (/(^|[\s(`])--[a-z]|`stevedore /.test(text) && !CLI_ONLY_TEXT.some((p) => p.test(text))) out.push({ file: rel, text });
      }
    }
  }
  return out;
}

/** What the app may show: a flag only inside a shell command, and every command of ours "in a shell". */
function problems(text: string): string[] {
  const found: string[] = [];
  const outside = text.replace(/`[^`]*`/g, '');
  if (/(^|[\s(])--[a-z]/.test(outside)) found.push('a flag outside a shell command');
  for (const m of text.matchAll(/`stevedore [^`]*`( in a shell)?/g)) if (!m[1]) found.push(`${m[0]} not said as a shell command`);
  return found;
}

describe('the app says errors in its own words', () => {
  it('has words for every hint and message the services write for the command line', () => {
    const texts = cliTexts();
    // The scan finds them (a guard against a pattern that finds nothing).
    expect(texts.length).toBeGreaterThan(25);
    if (process.env.SHOW_APP_WORDS) for (const t of texts) console.log(`${t.file}: ${t.text}\n  -> ${appWords(t.text)}`);
    const bad = texts.map(({ file, text }) => ({ file, text, said: appWords(text), problems: problems(appWords(text)) })).filter((t) => t.problems.length > 0);
    expect(bad, JSON.stringify(bad, null, 2)).toEqual([]);
  });

  it('says these in the app as a person can act on them there', () => {
    const cases: [string, string][] = [
      ['cannot remove redis:7: image is referenced in multiple repositories (use --force to remove it from every repository)', 'f in the delete dialog removes it from every repository'],
      ['remove the container first, or use --force to delete the image anyway', 'or f in the delete dialog to delete the image anyway'],
      ['Download not found: abc (see `stevedore image downloads`)', 'see the Downloads screen (D)'],
      ['redis:7 is not running (it is failed) (`stevedore image downloads retry ID` starts it again)', 'r on the Downloads screen (D) starts it again'],
      ['the certificate of lab:5000 is not trusted (`stevedore registry ping https://lab:5000 --trust-cert` or `stevedore registry add NAME --url https://lab:5000 --trust-cert`)', 'by turning on "Trust cert" (or giving its CA file) in the registry\'s form (R, then a or e)'],
      ['its images will not be readable until you add them (`stevedore registry edit lab --username U --password-stdin`)', "the registry's form (R, then e)"],
      ['save them with `stevedore repo update lab:5000/app --username U --password-stdin`', 'the Saved repositories screen (E, then e)'],
      ['Image not found: app (not on this engine) (pull it first with `stevedore image pull`)', 'pull it first (p on its tag)'],
      ['an engine named "nas" exists already (`stevedore engine rm` it first, or choose another name)', 'delete it first (C, then d)'],
      ['debian/12 not found (images.lxd has it for other architectures than arm64 (try --platform))', '(choose another platform with P)'],
      ['debian/13 not found (see `stevedore image list --type lxc --category remote --server images`)', 'see its depot (images)'],
      ['the certificate of lab:5000 changed (if the change is expected, trust the new one with `stevedore registry edit lab --trust-cert`)', 'trust the new one by turning on "Trust cert"'],
      ['catalog file not found or unreadable: /x (see `stevedore config get catalog`)', 'see `stevedore config get catalog` in a shell'],
    ];
    for (const [text, words] of cases) {
      expect(appWords(text)).toContain(words);
      expect(problems(appWords(text))).toEqual([]);
      // Said once: words already in the app's form are left alone.
      expect(appWords(appWords(text))).toBe(appWords(text));
    }
  });

  it('errorText: typed errors with their hint, the setup ones with the doctor, in a shell', () => {
    expect(errorText(new Conflict('cannot remove redis:7: in use', { hint: 'remove the container first, or use --force to delete the image anyway' }))).toBe(
      'cannot remove redis:7: in use (remove the container first, or f in the delete dialog to delete the image anyway)',
    );
    expect(errorText(new Unreachable('cannot reach the engine'))).toBe('cannot reach the engine; `stevedore doctor` in a shell checks the setup');
    expect(errorText(new NotFound('engine not found: x', { hint: 'see `stevedore engine list`' }))).toBe('engine not found: x (see the Engines screen (C))');
    expect(errorText(new EngineNotAnswering(503, 'engine "x" was not saved', { hint: 'check the host (and `--docker-path` for ssh), or save it anyway with --force' }))).toBe(
      'engine "x" was not saved (check the host (and the Docker path for ssh), or Ctrl-F saves it anyway)',
    );
  });
});
