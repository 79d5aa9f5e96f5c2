import { describe, expect, it } from 'vitest';
import { KeyQueue } from '../../../src/ui/input/keyQueue';
import { type KeyEvent, KeyTokenizer, escapeTimeout } from '../../../src/ui/input/tokenizer';
import { applyEdit } from '../../../src/ui/hooks/useTextInput';

const names = (events: KeyEvent[]) => events.map((e) => (e.kind === 'key' ? e.name : `paste:${e.text}`));

describe('keystroke tokenizer', () => {
  it('cuts one read into keys: text by code point, Enter, Tab, Backspace, sequences whole', () => {
    const t = new KeyTokenizer();
    expect(names(t.push('5/web\r'))).toEqual(['5', '/', 'w', 'e', 'b', 'enter']);
    expect(names(t.push('\t\t'))).toEqual(['tab', 'tab']);
    expect(names(t.push('\u007f\u0008'))).toEqual(['backspace', 'backspace']);
    expect(names(t.push('j\u001b[Aj\u001bOB\u001b[5~\u001b[6~\u001b[H\u001b[F\u001b[1~\u001b[4~\u001b[3~\u001b[Z'))).toEqual(['j', 'up', 'j', 'down', 'pageup', 'pagedown', 'home', 'end', 'home', 'end', 'delete', 'shift+tab']);
    expect(names(t.push('\u0001\u0005\u0015\u0017\u000b\u000c\u0003'))).toEqual(['ctrl+a', 'ctrl+e', 'ctrl+u', 'ctrl+w', 'ctrl+k', 'ctrl+l', 'ctrl+c']);
    expect(t.push('é😀 ')).toEqual([
      { kind: 'key', name: 'é', text: 'é', raw: 'é' },
      { kind: 'key', name: '😀', text: '😀', raw: '😀' },
      { kind: 'key', name: 'space', text: ' ', raw: ' ' },
    ]);
    expect(t.pending).toBe('none');
  });

  it('500 keys in one read are 500 keys', () => {
    expect(new KeyTokenizer().push('j'.repeat(500))).toHaveLength(500);
  });

  it('a lone Esc waits: the rest of its sequence in a later read makes one key; the timer makes it Esc', () => {
    const t = new KeyTokenizer();
    expect(t.push('\u001b')).toEqual([]);
    expect(t.pending).toBe('escape');
    expect(names(t.push('[A'))).toEqual(['up']);
    expect(t.push('\u001b[')).toEqual([]);
    expect(names(t.push('1;5'))).toEqual([]);
    expect(names(t.push('B'))).toEqual(['down']);
    expect(t.push('\u001b')).toEqual([]);
    expect(names(t.flush())).toEqual(['escape']);
    expect(t.pending).toBe('none');
  });

  it('Esc followed by a printable key is Esc, then that key (no Alt bindings)', () => {
    const t = new KeyTokenizer();
    expect(names(t.push('\u001b2'))).toEqual(['escape', '2']);
    expect(names(t.push('\u001bj'))).toEqual(['escape', 'j']);
    expect(names(t.push('\u001b\u001b'))).toEqual(['escape']);
    expect(names(t.flush())).toEqual(['escape']);
  });

  it('a bracketed paste is one event, literal, however many reads it takes (markers split too)', () => {
    const t = new KeyTokenizer();
    const text = `${'x'.repeat(8190)}q\r\n`;
    const bytes = `a\u001b[200~${text}\u001b[201~b`;
    const events: KeyEvent[] = [];
    const cuts = [1, 3, 4000, 4005, bytes.length - 4, bytes.length - 2];
    let from = 0;
    for (const cut of cuts) {
      events.push(...t.push(bytes.slice(from, cut)));
      from = cut;
    }
    events.push(...t.push(bytes.slice(from)));
    expect(events).toEqual([{ kind: 'key', name: 'a', text: 'a', raw: 'a' }, { kind: 'paste', text }, { kind: 'key', name: 'b', text: 'b', raw: 'b' }]);
  });

  it('a paste whose end never comes ends at the timeout with what arrived', () => {
    const t = new KeyTokenizer();
    t.push('\u001b[200~abc\u001b[20');
    expect(t.pending).toBe('paste');
    expect(t.flush()).toEqual([{ kind: 'paste', text: 'abc\u001b[20' }]);
  });

  it('waits 50 ms for a lone Esc, 150 ms over SSH, or what the setting says', () => {
    expect(escapeTimeout(0, {})).toBe(50);
    expect(escapeTimeout(0, { SSH_CONNECTION: '1.2.3.4 5 6.7.8.9 22' })).toBe(150);
    expect(escapeTimeout(0, { SSH_TTY: '/dev/pts/1' })).toBe(150);
    expect(escapeTimeout(300, { SSH_TTY: '/dev/pts/1' })).toBe(300);
  });
});

describe('key queue', () => {
  const key = (name: string): KeyEvent => ({ kind: 'key', name, text: name.length === 1 ? name : '' });

  it('applies one key per commit, in order; a held key waits for its list, others wait behind it', () => {
    const log: string[] = [];
    let waiting = false;
    let commits = 0;
    const deferred: (() => void)[] = [];
    const q: KeyQueue = new KeyQueue({
      route: (e) => {
        if (e.kind === 'key' && e.name === 'p' && waiting) return 'hold';
        log.push(e.kind === 'key' ? e.name : 'paste');
        if (e.kind === 'key' && e.name === '3') waiting = true;
        return 'done';
      },
      commit: () => void commits++,
      defer: (fn) => void deferred.push(fn),
      setTimer: () => 1,
      clearTimer: () => undefined,
    });
    q.push([key('3'), key('p'), key('j')]);
    expect(log).toEqual(['3']);
    q.committed();
    deferred.splice(0).forEach((f) => f());
    expect(log).toEqual(['3']); // p held: the list of tab 3 is loading
    waiting = false;
    q.changed();
    deferred.splice(0).forEach((f) => f());
    expect(log).toEqual(['3', 'p']);
    q.committed();
    deferred.splice(0).forEach((f) => f());
    expect(log).toEqual(['3', 'p', 'j']);
    expect(commits).toBe(3);
  });

  it('text for a field and repeats of a composing key go in one commit; anything else waits for a commit', () => {
    const log: string[] = [];
    let commits = 0;
    const deferred: (() => void)[] = [];
    const text = (e: KeyEvent) => e.kind === 'paste' || e.text !== '' || e.name === 'backspace';
    const q: KeyQueue = new KeyQueue({
      route: (e) => {
        log.push(e.kind === 'key' ? e.name : 'paste');
        if (e.kind === 'key' && e.name === 'j') return 'repeat';
        return text(e) ? 'text' : 'done';
      },
      commit: () => void commits++,
      defer: (fn) => void deferred.push(fn),
      setTimer: () => 1,
      clearTimer: () => undefined,
    });
    const step = () => {
      q.committed();
      deferred.splice(0).forEach((f) => f());
    };
    q.push([key('w'), key('e'), key('b'), { kind: 'paste', text: 'x' }, key('backspace'), key('enter'), key('j'), key('j'), key('j'), key('k')]);
    expect(log).toEqual(['w', 'e', 'b', 'paste', 'backspace']);
    expect(commits).toBe(1);
    step();
    expect(log.slice(5)).toEqual(['enter']);
    step();
    expect(log.slice(6)).toEqual(['j', 'j', 'j']);
    step();
    expect(log.slice(9)).toEqual(['k']);
    expect(commits).toBe(4);
  });

  it('a synchronous commit (legacy React) lets the whole burst through at once', () => {
    const log: string[] = [];
    let idle = 0;
    const q: KeyQueue = new KeyQueue({
      route: (e) => {
        log.push(e.kind === 'key' ? e.name : '');
        return 'done';
      },
      commit: () => q.committed(),
      defer: () => undefined,
      setTimer: () => 1,
      clearTimer: () => undefined,
      idle: () => void idle++,
    });
    q.push(Array.from({ length: 500 }, () => key('j')));
    expect(log).toHaveLength(500);
    expect(idle).toBe(1);
  });
});

describe('text field editing (readline keys)', () => {
  const k = (name: string): KeyEvent => ({ kind: 'key', name, text: name.length === 1 ? name : '' });
  const run = (value: string, cursor: number, ...keys: KeyEvent[]) => keys.reduce((s, e) => applyEdit(s.value, s.cursor, e), { value, cursor });

  it('moves, deletes words and lines, pastes literally', () => {
    expect(run('hello big world', 15, k('ctrl+w'))).toEqual({ value: 'hello big ', cursor: 10 });
    expect(run('hello big world', 15, k('ctrl+w'), k('ctrl+w'))).toEqual({ value: 'hello ', cursor: 6 });
    expect(run('hello world', 5, k('ctrl+u'))).toEqual({ value: ' world', cursor: 0 });
    expect(run('hello world', 5, k('ctrl+k'))).toEqual({ value: 'hello', cursor: 5 });
    expect(run('hello', 5, k('ctrl+a'), k('delete'))).toEqual({ value: 'ello', cursor: 0 });
    expect(run('hello', 0, k('ctrl+e'), k('left'), k('backspace'))).toEqual({ value: 'helo', cursor: 3 });
    expect(run('ab', 1, k('home'), k('x'), k('end'), k('y'), k('right'))).toEqual({ value: 'xaby', cursor: 4 });
    expect(run('ab', 1, { kind: 'paste', text: 'q\u001b[31m\r\nD' })).toEqual({ value: 'aq[31mDb', cursor: 7 });
  });
});
