// The keystroke router without React: reads and frames numbered on one counter (a question's gate
// takes only keys read after its frame was written, however Ink throttles frames), the idle signal,
// and the key trace (no text typed into a field in it).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Gate } from '../../src/ui/input/gate';
import { IdleWatch } from '../../src/ui/input/idle';
import type { Layer } from '../../src/ui/input/route';
import { KeyRouter } from '../../src/ui/input/router';
import type { TraceEntry } from '../../src/ui/input/trace';
import type { CommandId } from '../../src/ui/keys/bindings';

afterEach(() => vi.useRealTimers());

/** A Local list whose `d` opens a question that destroys something; `frames` says when Ink writes. */
function world(frames: 'at commit' | 'later') {
  const trace: TraceEntry[] = [];
  const ran: CommandId[] = [];
  let question: Layer | null = null;
  let opening = false;
  const gate = new Gate();
  const router: KeyRouter = new KeyRouter({
    commit: () => {
      // The commit that shows the question: its gate opens in React's mutation phase, then Ink renders
      // (writing at once on the leading edge of its throttle, or from a timer later).
      if (opening) {
        opening = false;
        router.openGate(gate);
        if (frames === 'at commit') router.frame();
        question = { id: 2, scopes: ['confirm'], options: { priority: 50, modal: true, commands: ['confirm.yes', 'confirm.no'], gate }, handler: (c) => void ran.push(c) };
        router.register(question);
      }
      router.queue.committed();
    },
    redraw: () => undefined,
    busy: () => '',
    options: () => ({ trace: (e) => void trace.push(e) }),
    quietMs: 0,
  });
  router.register({
    id: 1,
    scopes: ['local', 'list'],
    options: { priority: 10, commands: ['local.delete', 'list.down'] },
    handler: (c) => {
      ran.push(c);
      if (c === 'local.delete') opening = true;
    },
  });
  return { router, ran, gate, trace };
}

describe('a question that destroys something', () => {
  it('drops `y` read with `d` even when Ink writes the question at once', () => {
    const { router, ran, gate } = world('at commit');
    router.read('dy');
    expect(ran).toEqual(['local.delete']);
    expect(gate.dropped).toBe(1);
    router.read('y');
    expect(ran).toEqual(['local.delete', 'confirm.yes']);
  });

  it('drops keys read before a throttled frame reached the terminal, takes the first read after it', () => {
    const { router, ran, gate, trace } = world('later');
    router.read('d');
    // Typed after the commit but before Ink's throttled frame was written: the person has not seen it.
    router.read('y');
    router.read('y');
    expect(gate.dropped).toBe(2);
    expect(ran).toEqual(['local.delete']);
    router.frame();
    router.read('y');
    expect(ran).toEqual(['local.delete', 'confirm.yes']);
    const outcomes = trace.filter((e) => e.ev === 'key').map((e) => (e.ev === 'key' ? `${e.key}:${e.outcome}` : ''));
    expect(outcomes).toEqual(['d:done', 'text:dropped', 'text:dropped', 'y:done']);
    expect(trace.some((e) => e.ev === 'drawn')).toBe(true);
  });

  it('keeps type-ahead for everything else: `jjd` moves twice, then asks', () => {
    const { router, ran } = world('at commit');
    router.read('jjd');
    expect(ran).toEqual(['list.down', 'list.down', 'local.delete']);
  });
});

describe('the idle signal', () => {
  it('says idle once nothing happened for the quiet time, busy at once, and idle again after new input', () => {
    vi.useFakeTimers();
    let busy = 'list local|';
    const reports: string[] = [];
    const watch = new IdleWatch({ busy: () => busy, setTimer: (fn, ms) => setTimeout(fn, ms), clearTimer: (t) => clearTimeout(t as NodeJS.Timeout), quietMs: 100, report: (s, why) => void reports.push(why ? `${s} ${why}` : s) });
    watch.poke();
    expect(reports).toEqual(['busy list local|']);
    busy = '';
    watch.poke();
    vi.advanceTimersByTime(99);
    expect(reports).toHaveLength(1);
    // Something happened within the quiet time: it starts again.
    watch.poke();
    vi.advanceTimersByTime(99);
    expect(reports).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(reports).toEqual(['busy list local|', 'idle']);
    // New input that changes nothing is still told: a test waiting for its keys sees idle again.
    watch.input();
    vi.advanceTimersByTime(100);
    expect(reports).toEqual(['busy list local|', 'idle', 'idle']);
    watch.dispose();
  });
});
