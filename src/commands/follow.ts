// Following a download from a terminal (`image pull`, `image update`): progress the way the output allows
// (a block redrawn in place on a terminal, a line every few seconds on a pipe, JSON lines with --json), and
// Ctrl-C that stops following and cancels only when no other terminal follows. Also the y/N question.
import { AppError, isCancellation } from '../domain/errors';
import { isActiveStatus } from '../domain/images';
import type { DownloadRecord, EngineServices } from '../services/engine/index';
import { ASCII_BAR, UNICODE_BAR, progressBlock, progressLine, pullProgressJson } from '../views/progress';
import { EXIT, type Io, type Output } from './output';

const NON_TTY_INTERVAL_MS = 5000;

/** Asks a yes/no question on the terminal; only `y`/`yes` is a yes. */
export function confirm(io: Io, question: string): Promise<boolean> {
  return new Promise((resolve) => {
    io.stderr.write(question);
    let text = '';
    io.stdin.setEncoding?.('utf8');
    const done = (answer: boolean): void => {
      io.stdin.removeAllListeners?.('data');
      io.stdin.removeAllListeners?.('end');
      io.stdin.pause?.();
      resolve(answer);
    };
    io.stdin.on('data', (chunk) => {
      text += chunk.toString();
      if (text.includes('\n') || text.includes('\r')) done(/^\s*y(es)?\s*$/i.test(text.split(/[\r\n]/)[0] ?? ''));
    });
    io.stdin.on('end', () => done(false));
    io.stdin.resume?.();
  });
}

/**
 * Follows a download until it ends, printing progress the way the output allows; Ctrl-C stops following
 * and cancels it unless another terminal follows it too. Returns the exit code.
 */
export async function followPull(io: Io, out: Output, services: EngineServices, started: DownloadRecord): Promise<number> {
  const render = progressRenderer(io, out);
  const controller = new AbortController();
  let firstInterrupt = 0;
  const onSignal = (): void => {
    // A second Ctrl-C leaves at once. (conf's exit hook re-sends the first SIGINT to this process, so a
    // repeat within a moment is that echo, not the user.)
    if (firstInterrupt > 0) {
      if (Date.now() - firstInterrupt > 500) process.exit(EXIT.cancelled);
      return;
    }
    firstInterrupt = Date.now();
    // (On a terminal the progress block shows it; a line on stderr would break the redraw.)
    if (!out.json && !io.stdout.isTTY) io.stderr.write('cancelling… (Ctrl-C again to leave at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  try {
    let final: DownloadRecord;
    try {
      final = await services.downloads.follow(started.id, render.update, controller.signal);
    } catch (error) {
      if (!isCancellation(error)) throw error;
      // Ctrl-C stops this terminal following; the worker cancels only when no other terminal follows.
      const { followers } = await services.downloads.detach(started.id);
      if (followers > 0) {
        const others = followers === 1 ? 'another terminal follows it' : `${followers} other terminals follow it`;
        if (out.json) out.jsonLine({ event: 'detached', name: started.name, id: started.id, followers });
        else io.stderr.write(`${started.name}: stopped following; the download goes on (${others}; \`stevedore image downloads cancel ${started.id}\` cancels it)\n`);
        return EXIT.cancelled;
      }
      // Wait (briefly) for the engine request to be torn down, so the history says cancelled.
      const stop = AbortSignal.timeout(10_000);
      final = await services.downloads.follow(started.id, () => undefined, stop).catch(() => ({ ...started, status: 'cancelled' as const }));
    }
    render.end(final);
    if (final.status === 'complete') {
      if (out.json) out.jsonLine({ event: 'done', name: final.name, digest: final.digest });
      else io.stdout.write(`${final.name}: downloaded${final.digest ? ` (${final.digest})` : ''}\n`);
      return EXIT.ok;
    }
    if (final.status === 'cancelled') {
      if (out.json) out.jsonLine({ event: 'cancelled', name: final.name });
      else io.stderr.write(`${final.name}: cancelled\n`);
      return EXIT.cancelled;
    }
    throw new AppError(final.errorCode ?? 502, final.error ?? 'the download failed');
  } finally {
    process.off('SIGINT', onSignal);
  }
}

interface Renderer {
  update: (record: DownloadRecord) => void;
  end: (record: DownloadRecord) => void;
}

function progressRenderer(io: Io, out: Output): Renderer {
  if (out.json) {
    // Progress lines while it runs; the end is the `done` / `cancelled` event or the error object.
    return { update: (r) => void (isActiveStatus(r.status) && out.jsonLine(pullProgressJson(r))), end: () => undefined };
  }
  if (io.stdout.isTTY) {
    const utf8 = /utf-?8/i.test(io.env.LC_ALL || io.env.LC_CTYPE || io.env.LANG || '');
    const style = utf8 ? UNICODE_BAR : ASCII_BAR;
    let drawn = 0;
    const draw = (r: DownloadRecord): void => {
      const lines = progressBlock(r, io.stdout.columns ?? 80, style);
      let text = drawn > 0 ? `\u001b[${drawn}F` : '';
      for (const line of lines) text += `\u001b[2K${line}\n`;
      // A block that got shorter leaves lines below: clear them.
      for (let i = lines.length; i < drawn; i++) text += '\u001b[2K\n';
      const extra = Math.max(0, drawn - lines.length);
      if (extra > 0) text += `\u001b[${extra}F`;
      io.stdout.write(text);
      drawn = lines.length;
    };
    return { update: draw, end: draw };
  }
  let last = 0;
  return {
    update: (r) => {
      const now = Date.now();
      if (now - last < NON_TTY_INTERVAL_MS) return;
      last = now;
      io.stdout.write(`${progressLine(r)}\n`);
    },
    end: (r) => {
      if (r.status !== 'complete') io.stdout.write(`${progressLine(r)}\n`);
    },
  };
}
