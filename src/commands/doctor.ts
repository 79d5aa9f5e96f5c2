// `stevedore doctor [--json]`: what is off in this setup, one line per check with ✓/✗ and the fix (the checks
// are in src/services/doctor). Exit 0 when every check passes, 1 otherwise. The terminal facts come from here:
// the size and colours of the attached terminal, and its answer to "do you support bracketed paste?".
import type { Command } from 'commander';
import { engines } from '../../package.json';
import { locale, type Check, type PasteSupport, type TerminalFacts } from '../services/doctor/index';
import type { CommandContext } from './context';
import { EXIT, type Io, type ReadableLike, type WritableLike } from './output';
import { action, leaf } from './program';

interface TtyStream extends WritableLike {
  rows?: number;
  getColorDepth?: (env?: NodeJS.ProcessEnv) => number;
}

export function registerDoctor(program: Command, ctx: CommandContext): void {
  leaf(program, ctx, 'doctor', 'check the setup: Node, engine, settings, logins, download worker, registries, Docker Hub, terminal')
    .addHelpText('after', '\nOne line per check with what to do about it. Exit status 0 when every check passes, 1 otherwise.')
    .action(
      action(ctx, async (out, _options: unknown, command: Command) => {
        const { runDoctor } = await import('../services/doctor/index');
        const checks = await runDoctor({
          env: ctx.io.env,
          services: ctx.services,
          node: { version: process.version, range: engines.node, execPath: process.execPath },
          terminal: await terminalFacts(ctx.io),
          engineOverride: (command.optsWithGlobals() as { engine?: string }).engine ?? null,
        });
        const failed = checks.filter((c) => c.status === 'fail').length;
        out.result({ ok: failed === 0, checks }, () => render(checks, ctx.io));
        if (failed > 0) ctx.setExitCode(EXIT.error);
      }),
    );
}

/** The terminal the app would use: stdout, else stderr when stdout is piped. */
async function terminalFacts(io: Io): Promise<TerminalFacts> {
  const out = io.stdout as TtyStream;
  const err = io.stderr as TtyStream;
  const tty = out.isTTY ? out : err.isTTY ? err : null;
  if (!tty) return { env: io.env, tty: false, bracketedPaste: 'unknown' };
  return {
    env: io.env,
    tty: true,
    columns: tty.columns,
    rows: tty.rows,
    colorDepth: tty.getColorDepth?.(io.env),
    bracketedPaste: await askBracketedPaste(io.stdin, tty),
  };
}

/**
 * Asks the terminal whether it knows mode 2004 (DECRQM), followed by a primary device attributes query that every
 * terminal answers: a DA reply without a mode report means the terminal does not answer DECRQM ("unknown").
 */
export function askBracketedPaste(stdin: ReadableLike, tty: WritableLike, timeoutMs = 400): Promise<PasteSupport> {
  if (!stdin.isTTY || !stdin.setRawMode) return Promise.resolve('unknown');
  const setRaw = stdin.setRawMode.bind(stdin);
  return new Promise((resolve) => {
    let seen = '';
    let settled = false;
    const done = (answer: PasteSupport): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stdin.removeAllListeners?.('data');
      setRaw(false);
      stdin.pause?.();
      resolve(answer);
    };
    const timer = setTimeout(() => done('unknown'), timeoutMs);
    stdin.on('data', (chunk) => {
      seen += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
      const report = /\u001b\[\?2004;(\d+)\$y/.exec(seen);
      if (report) return done(['1', '2', '3'].includes(report[1] ?? '') ? 'yes' : 'no');
      if (/\u001b\[\?[\d;]*c/.test(seen)) done('unknown');
    });
    setRaw(true);
    stdin.resume?.();
    tty.write('\u001b[?2004$p\u001b[c');
  });
}

function render(checks: Check[], io: Io): string[] {
  const utf8 = /utf-?8/i.test(locale(io.env).value);
  const colour = Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
  const paint = (code: string, text: string): string => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const mark = {
    pass: paint('32', utf8 ? '✓' : 'ok'),
    fail: paint('31;1', utf8 ? '✗' : 'NO'),
    skip: paint('2', utf8 ? '–' : '--'),
  };
  const width = Math.max(...checks.map((c) => c.title.length)) + 1;
  const lines = checks.map((c) => {
    const fix = c.status === 'fail' && c.fix ? ` ${paint('33', utf8 ? '→' : '->')} ${c.fix}` : '';
    return `${mark[c.status]} ${c.title.padEnd(width)} ${c.detail}${fix}`;
  });
  const failed = checks.filter((c) => c.status === 'fail').length;
  lines.push('');
  const engineDown = checks.some((c) => c.id === 'engine.reachable' && c.status === 'fail');
  lines.push(
    failed === 0
      ? 'Everything checked is fine.'
      : `${failed} problem${failed === 1 ? '' : 's'} found${failed > 1 ? ': fix them from the top' : ''}.${engineDown ? ' Without an engine the Local depot and downloads cannot work; the remote depots still do.' : ''}`,
  );
  return lines;
}
