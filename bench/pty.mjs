// A program in a real pseudo-terminal, for the TUI measurements: util-linux `script` gives it a pty
// (`script -qfec "stty cols C rows R; exec CMD" /dev/null`), its stdout is everything the program
// writes to the terminal (counted, and fed to a small screen model so that "the frame for X is on the
// screen" can be checked), and its stdin is the keyboard.
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { childPids, cmdline } from './lib.mjs';

/** Ptys still running: ended when the harness exits, however it exits (no orphaned apps left behind). */
const live = new Set();
process.on('exit', () => {
  for (const p of live) p.kill();
});

const shellQuote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export class Pty {
  /** argv: the program and its arguments; marker: a string in its command line (to find its pid). */
  constructor(argv, { env, cols = 100, rows = 30, marker = argv[argv.length - 1] } = {}) {
    this.marker = marker;
    this.screen = new Screen(cols, rows);
    this.bytes = 0;
    this.log = []; // [ms since start, bytes so far]
    this.waiters = [];
    this.exited = null;
    this.decoder = new StringDecoder('utf8');
    const command = `stty cols ${cols} rows ${rows}; exec ${argv.map(shellQuote).join(' ')}`;
    this.t0 = performance.now();
    this.proc = spawn('script', ['-qfec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdin.on('error', () => undefined);
    this.stderr = '';
    this.proc.stderr.on('data', (d) => (this.stderr += d.toString()));
    live.add(this);
    this.exit = new Promise((resolve) =>
      this.proc.on('exit', (code, signal) => {
        live.delete(this);
        resolve((this.exited = signal ?? code));
      }),
    );
    this.proc.stdout.on('data', (d) => {
      const now = performance.now();
      this.bytes += d.length;
      this.log.push([now - this.t0, this.bytes]);
      this.screen.feed(this.decoder.write(d));
      this.check(now);
    });
    this.exit.then(() => this.check(performance.now()));
  }

  /** Milliseconds since the pty was spawned. */
  now() {
    return performance.now() - this.t0;
  }

  check(now) {
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(this.screen)) {
        if (this.exited !== null) w.reject(new Error(`${w.what}: the program exited (${this.exited}) first; screen:\n${this.screen.text()}\n${this.stderr}`));
        return this.exited === null;
      }
      clearTimeout(w.timer);
      w.resolve(now - this.t0);
      return false;
    });
  }

  /** Resolves with the time (ms since spawn) of the first output after which test(screen) holds. */
  waitFor(test, { timeoutMs = 15_000, what = 'screen' } = {}) {
    return new Promise((resolve, reject) => {
      if (test(this.screen)) return resolve(this.now());
      const w = { test, resolve, reject, what };
      w.timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${this.screen.text()}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  waitForText(text, opts = {}) {
    return this.waitFor((s) => s.text().includes(text), { what: JSON.stringify(text), ...opts });
  }

  write(keys) {
    this.proc.stdin.write(keys);
  }

  /** The pid of the program itself (the child of `script` that exec'd it). */
  programPid() {
    for (const pid of childPids(this.proc.pid)) {
      if (cmdline(pid).some((a) => a.includes(this.marker))) return pid;
    }
    return null;
  }

  /** Bytes written between two times (ms since spawn), from the log. */
  bytesBetween(from, to) {
    const at = (t) => {
      let b = 0;
      for (const [time, total] of this.log) {
        if (time > t) break;
        b = total;
      }
      return b;
    };
    return at(to) - at(from);
  }

  async close(keys = 'q', { answer = 'y', timeoutMs = 5_000 } = {}) {
    if (this.exited !== null) return;
    this.write(keys);
    const quick = await Promise.race([this.exit.then(() => true), new Promise((r) => setTimeout(() => r(false), 700))]);
    if (!quick && answer) this.write(answer);
    const done = await Promise.race([this.exit.then(() => true), new Promise((r) => setTimeout(() => r(false), timeoutMs))]);
    if (!done) this.kill();
    await this.exit;
  }

  kill() {
    const pid = this.programPid();
    if (pid) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone
      }
    }
    this.proc.kill('SIGTERM');
  }
}

/**
 * Just enough of a VT100/xterm screen for Ink's output: printable text with deferred wrap, CR, LF
 * (scrolling), backspace, and the CSI cursor moves and erases (A B C D E F G H f J K); colours, modes and
 * OSC strings are skipped. Sequences split across reads are carried over.
 */
export class Screen {
  constructor(cols, rows) {
    this.cols = cols;
    this.rows = rows;
    this.lines = Array.from({ length: rows }, () => Array(cols).fill(' '));
    this.x = 0;
    this.y = 0;
    this.pending = '';
    this.frames = 0; // synchronized-update blocks closed (\e[?2026l), a frame count
  }

  text() {
    return this.lines.map((l) => l.join('').trimEnd()).join('\n');
  }

  line(i) {
    return (this.lines[i] ?? []).join('').trimEnd();
  }

  allLines() {
    return this.lines.map((l) => l.join('').trimEnd());
  }

  newline() {
    if (this.y === this.rows - 1) {
      this.lines.shift();
      this.lines.push(Array(this.cols).fill(' '));
    } else this.y++;
  }

  put(ch) {
    if (this.x >= this.cols) {
      this.x = 0;
      this.newline();
    }
    this.lines[this.y][this.x] = ch;
    this.x++;
  }

  clamp() {
    this.x = Math.max(0, Math.min(this.cols - 1, this.x));
    this.y = Math.max(0, Math.min(this.rows - 1, this.y));
  }

  csi(params, final) {
    const priv = params.startsWith('?') || params.startsWith('>') || params.startsWith('=');
    const nums = (priv ? params.slice(1) : params).split(';').map((p) => (p === '' ? NaN : Number(p)));
    const n = Number.isFinite(nums[0]) && nums[0] > 0 ? nums[0] : 1;
    if (priv) {
      if (params === '?2026' && final === 'l') this.frames++;
      return;
    }
    switch (final) {
      case 'A': this.y -= n; break;
      case 'B': this.y += n; break;
      case 'C': this.x = Math.min(this.cols - 1, this.x + n); break;
      case 'D': this.x = Math.min(this.cols - 1, this.x) - n; break;
      case 'E': this.y += n; this.x = 0; break;
      case 'F': this.y -= n; this.x = 0; break;
      case 'G': this.x = n - 1; break;
      case 'H':
      case 'f':
        this.y = (Number.isFinite(nums[0]) && nums[0] > 0 ? nums[0] : 1) - 1;
        this.x = (Number.isFinite(nums[1]) && nums[1] > 0 ? nums[1] : 1) - 1;
        break;
      case 'J': {
        const mode = Number.isFinite(nums[0]) ? nums[0] : 0;
        this.clamp();
        const blank = () => Array(this.cols).fill(' ');
        if (mode === 2 || mode === 3) this.lines = this.lines.map(blank);
        else if (mode === 0) {
          for (let x = this.x; x < this.cols; x++) this.lines[this.y][x] = ' ';
          for (let y = this.y + 1; y < this.rows; y++) this.lines[y] = blank();
        } else if (mode === 1) {
          for (let x = 0; x <= this.x; x++) this.lines[this.y][x] = ' ';
          for (let y = 0; y < this.y; y++) this.lines[y] = blank();
        }
        return;
      }
      case 'K': {
        const mode = Number.isFinite(nums[0]) ? nums[0] : 0;
        this.clamp();
        const [from, to] = mode === 0 ? [this.x, this.cols] : mode === 1 ? [0, this.x + 1] : [0, this.cols];
        for (let x = from; x < to; x++) this.lines[this.y][x] = ' ';
        return;
      }
      default:
        return; // m (colours), r, s, u, …
    }
    this.clamp();
  }

  feed(data) {
    const s = this.pending + data;
    this.pending = '';
    let i = 0;
    while (i < s.length) {
      const c = s[i];
      if (c === '\u001b') {
        const next = s[i + 1];
        if (next === undefined) {
          this.pending = s.slice(i);
          return;
        }
        if (next === '[') {
          let j = i + 2;
          while (j < s.length && !/[@-~]/.test(s[j])) j++;
          if (j >= s.length) {
            this.pending = s.slice(i);
            return;
          }
          const body = s.slice(i + 2, j);
          this.csi(body.replace(/[ -/]+$/, ''), s[j]);
          i = j + 1;
        } else if (next === ']') {
          // OSC … BEL or ST
          const bel = s.indexOf('\u0007', i);
          const st = s.indexOf('\u001b\\', i);
          const end = [bel >= 0 ? bel + 1 : Infinity, st >= 0 ? st + 2 : Infinity].reduce((a, b) => Math.min(a, b));
          if (end === Infinity) {
            this.pending = s.slice(i);
            return;
          }
          i = end;
        } else if (next === '(' || next === ')') {
          if (i + 2 >= s.length) {
            this.pending = s.slice(i);
            return;
          }
          i += 3;
        } else {
          i += 2; // ESC 7, ESC 8, ESC =, …
        }
        continue;
      }
      if (c === '\r') this.x = 0;
      else if (c === '\n') this.newline();
      else if (c === '\b') this.x = Math.max(0, this.x - 1);
      else if (c === '\t') this.x = Math.min(this.cols - 1, (Math.floor(this.x / 8) + 1) * 8);
      else if (c >= ' ' && c !== '\u007f') {
        const cp = s.codePointAt(i);
        const ch = String.fromCodePoint(cp);
        this.put(ch);
        i += ch.length;
        continue;
      }
      i++;
    }
  }
}
