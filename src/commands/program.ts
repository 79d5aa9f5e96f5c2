// The CLI grammar of DESIGN.md on commander: nouns, verbs, --help everywhere, --json on every
// command, --version on the program; usage errors exit 2, operation errors exit 1.
import { Command, CommanderError, Help, InvalidArgumentError, Option } from 'commander';
import { redactSecrets, sanitizeLine } from '../domain/sanitize';
import type { CommandContext } from './context';
import { EXIT, Output, reportError } from './output';
import { versionInfo, versionText } from './version';

export type Register = (program: Command, ctx: CommandContext) => void;

export const PROGRAM_DESCRIPTION =
  'Manage container images on this host from the terminal: browse depots, search, download with live progress, inspect, delete.\nRun without arguments on a terminal to open the full-screen app.';

export function buildProgram(ctx: CommandContext, nouns: Register[]): Command {
  const { io, json } = ctx;
  const program = new Command('stevedore')
    .description(PROGRAM_DESCRIPTION)
    .version(versionText(versionInfo(), json), '--version', 'print the version, the build date and the Node that runs it')
    .helpOption('-h, --help', 'show help')
    .helpCommand(false)
    // Every command runs against one engine (cli.tsx reads the value before parsing; see DESIGN.md "Engines").
    .addOption(new Option('--engine <name>', 'run against this engine (`stevedore engine list`)'))
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => {
        if (!json) io.stderr.write(s);
      },
      outputError: (s) => {
        const message = redactSecrets(sanitizeLine(s.replace(/^error:\s*/, '')));
        if (json) io.stdout.write(`${JSON.stringify({ error: { code: 400, message } })}\n`);
        else io.stderr.write(`error: ${message}\n`);
      },
      getOutHelpWidth: () => io.stdout.columns ?? 80,
      getErrHelpWidth: () => io.stderr.columns ?? 80,
    });
  for (const register of nouns) register(program, ctx);
  return program;
}

/**
 * What the program's own help shows of each noun (name, term, description), kept with the build
 * (scripts/help-index.mjs) so that `stevedore --help`, `--version` and an unknown noun need none of the nouns'
 * modules: the program is built with stand-ins made from it (helpStubs), which commander formats exactly as
 * the real nouns (test/unit/commands/help-index.test.ts holds the two side by side).
 */
export interface HelpIndex {
  nouns: Array<{ name: string; term: string; description: string }>;
  /** The program's whole help at 80 columns (a pipe, or a terminal that wide), printed as it is. */
  help80: string;
}

/** The help index of a program built with every noun (with stdout 80 columns wide, as the build asks it). */
export function helpIndexOf(program: Command): HelpIndex {
  const help = program.createHelp();
  return {
    nouns: help.visibleCommands(program).map((c) => ({ name: c.name(), term: help.subcommandTerm(c), description: help.subcommandDescription(c) })),
    help80: program.helpInformation(),
  };
}

/** Registers the nouns of an index as stand-ins: the same names, terms and descriptions, no verbs. */
export function helpStubs(index: HelpIndex): Register {
  return (program) => {
    const terms = new Map(index.nouns.map((n) => [n.name, n.term]));
    for (const n of index.nouns) program.command(n.name).description(n.description);
    const fallback = new Help();
    program.configureHelp({ ...program.configureHelp(), subcommandTerm: (cmd: Command) => terms.get(cmd.name()) ?? fallback.subcommandTerm(cmd) });
  };
}

/**
 * The noun of a command line: its first word that is neither an option nor the value of the program's
 * `--engine` (null when there is none: `--help`, `--version`, no arguments).
 */
export function nounOf(argv: string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') return argv[i + 1] ?? null;
    if (a === '--engine') i++;
    else if (!a.startsWith('-')) return a;
  }
  return null;
}

/** Parses argv and runs the command. Returns the exit code. */
export async function runProgram(program: Command, ctx: CommandContext, argv: string[]): Promise<number> {
  let exit: number = EXIT.ok;
  ctx.setExitCode = (code) => {
    exit = code;
  };
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') {
        // A noun without a verb: its help went to stderr (in --json mode, say so on stdout instead).
        if (ctx.json) {
          const noun = argv.find((a) => !a.startsWith('-')) ?? '';
          ctx.io.stdout.write(`${JSON.stringify({ error: { code: 400, message: `a verb is needed: see \`stevedore ${noun} --help\`` } })}\n`);
        }
        return EXIT.usage;
      }
      return EXIT.usage;
    }
    return reportError(ctx.io, ctx.json, error);
  }
}

/** A leaf command with --json, whose action gets an Output and errors reported the DESIGN.md way. */
export function leaf(parent: Command, ctx: CommandContext, spec: string, description: string): Command {
  return parent
    .command(spec)
    .description(description)
    .addOption(new Option('--json', 'print machine-readable JSON'))
    .helpOption('-h, --help', 'show help');
}

/** Wraps an action: builds the Output, turns errors into the exit code and the error shape. */
export function action<A extends unknown[]>(ctx: CommandContext, run: (out: Output, ...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const out = new Output(ctx.io, ctx.json, ctx.warnings);
    try {
      await run(out, ...args);
    } catch (error) {
      ctx.setExitCode(reportError(ctx.io, ctx.json, error));
    }
  };
}

/** A noun (`image`, `registry`…) that only holds verbs: alone, it shows its help on stderr and exits 2. */
export function noun(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .helpOption('-h, --help', 'show help')
    .helpCommand(false)
    .addOption(new Option('--json', 'print machine-readable JSON').hideHelp());
}

export function parsePositiveInt(name: string, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}`);
    return n;
  };
}

/** A parser for one of `values`; the values ride along (`.choices`) for shell completion. */
export function choice<T extends string>(name: string, values: readonly T[]): ((value: string) => T) & { choices: readonly T[] } {
  const parse = (value: string): T => {
    if ((values as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`${name} must be one of ${values.join(', ')}`);
  };
  return Object.assign(parse, { choices: values });
}

