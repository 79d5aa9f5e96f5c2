// Lists keyed by identity (STYLE.md): the selection follows its row through reloads, sorts and filters;
// a list shown again shows what it answered last (never an answer that was dropped) and its keys wait
// for the fresh answer, so `d` acts on the rows the engine has now. The key trace never holds what was
// typed into a field.
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRepository } from '../../src/domain/images';
import { fakeServices, localRepo } from './fakes';
import { KEY, renderApp } from './render';

afterEach(() => cleanup());

/** The selected row (the line with the pointer that is not the filter field). */
const selected = (f: string) => f.split('\n').find((l) => l.includes('›') && !l.includes('› filter')) ?? '';

/** A local list whose answers the test hands out one by one. */
function slowLocal(first: LocalRepository[]) {
  const { services, calls, engineChanged } = fakeServices({ local: first });
  const pending: ((rows: LocalRepository[]) => void)[] = [];
  let instant: LocalRepository[] | null = first;
  services.local.list = () => (instant ? Promise.resolve(instant) : new Promise((resolve) => pending.push(resolve)));
  return {
    services,
    calls,
    engineChanged,
    /** From now on each list waits for `answer`. */
    slow: () => void (instant = null),
    asked: () => pending.length,
    answer: (rows: LocalRepository[]) => pending.shift()?.(rows),
  };
}

describe('the selection follows its row', () => {
  it('through a reload that adds rows above it, a sort and a filter; a row filtered out gives way to the first', async () => {
    const w = slowLocal([localRepo('bravo', ['1'], { size: 1_000 }), localRepo('charlie', ['1'], { size: 3_000 }), localRepo('delta', ['1'], { size: 2_000 })]);
    const app = renderApp(w.services);
    await app.waitFor((f) => f.includes('delta'), 'rows');
    await app.press('j');
    expect(selected(app.frame())).toContain('charlie');
    // A reload with a new row above: still charlie.
    w.slow();
    w.engineChanged();
    await app.waitFor(() => w.asked() === 1, 'the reload');
    w.answer([localRepo('alpha', ['1'], { size: 500 }), localRepo('bravo', ['1'], { size: 1_000 }), localRepo('charlie', ['1'], { size: 3_000 }), localRepo('delta', ['1'], { size: 2_000 })]);
    await app.settled();
    expect(app.frame(), app.traceText()).toContain('alpha');
    expect(selected(app.frame())).toContain('charlie');
    // Sorted by size: charlie moves to the top, still selected.
    await app.press('s');
    expect(app.frame().indexOf('charlie')).toBeLessThan(app.frame().indexOf('delta'));
    expect(selected(app.frame())).toContain('charlie');
    // A filter that keeps it, then one that does not.
    await app.press('/', 'a', 'r');
    expect(selected(app.frame())).toContain('charlie');
    await app.press(KEY.escape, '/', 'd', 'e', 'l', KEY.enter);
    expect(selected(app.frame())).toContain('delta');
    await app.press('d');
    expect(app.frame()).toContain('Delete delta:1');
  });

  it('d after returning to Local acts on the rows the engine has now, not on an earlier answer', async () => {
    const w = slowLocal([localRepo('alpine', ['3.19'])]);
    const app = renderApp(w.services);
    await app.waitFor((f) => f.includes('alpine'), 'rows');
    w.slow();
    // A reload is asked, then the user moves to another depot: that answer is dropped when it comes.
    app.write('r');
    await app.waitFor(() => w.asked() === 1, 'the reload asked');
    // A depot key does not wait for the list it leaves.
    const started = app.trace.length;
    await app.press('2');
    expect(app.trace.slice(started).filter((e) => e.ev === 'key').map((e) => e.ev === 'key' && e.outcome)).toEqual(['done']);
    w.answer([localRepo('stale', ['1'])]);
    await app.settled();
    // Back on Local: the last kept answer is shown while the list is asked again, and `jd` waits for it.
    app.write('1jd');
    await app.waitFor(() => w.asked() === 1, 'the list asked again');
    expect(app.frame()).toContain('alpine');
    expect(app.frame()).not.toContain('stale');
    expect(app.frame()).not.toContain('Delete');
    w.answer([localRepo('alpine', ['3.19']), localRepo('team/multi', ['1.0'])]);
    await app.settled();
    expect(app.frame()).toContain('Delete team/multi:1.0');
    expect(w.calls.removed).toEqual([]);

  });
});

describe('the key trace', () => {
  it('shows keys and what took them, never the text typed into a field', async () => {
    const { services } = fakeServices({ local: [] });
    const app = renderApp(services);
    await app.press('R', 'a');
    await app.press(KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab, KEY.tab);
    app.write('hunter2');
    await app.settled();
    expect(app.frame()).toMatch(/Password +\*{7}/);
    const text = JSON.stringify(app.trace);
    expect(text).not.toContain('hunter2');
    const typed = app.trace.filter((e) => e.ev === 'key' && e.outcome === 'text');
    expect(typed).toHaveLength(7);
    expect(typed.every((e) => e.ev === 'key' && e.key === 'text' && e.raw === undefined)).toBe(true);
    expect(app.trace).toContainEqual(expect.objectContaining({ ev: 'read', bytes: 'text(7)' }));
    expect(app.trace).toContainEqual(expect.objectContaining({ ev: 'key', key: 'R', layer: 'global', command: 'global.registries', outcome: 'done' }));
  });
});
