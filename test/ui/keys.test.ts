import { describe, expect, it } from 'vitest';
import { BINDINGS, type Binding, type Scope } from '../../src/ui/keys/bindings';
import { helpSections, markdownKeyTable } from '../../src/ui/keys/help';
import { duplicateKeys, resolve } from '../../src/ui/keys/match';
import { Gate } from '../../src/ui/input/gate';
import { type Layer, type LayerOptions, NOT_HERE, ordered, route } from '../../src/ui/input/route';
import type { KeyEvent } from '../../src/ui/input/tokenizer';
import { clampWindow } from '../../src/ui/hooks/useListCursor';
import { barText } from '../../src/ui/components/ProgressBar';
import { createTheme } from '../../src/ui/theme/theme';

describe('key table', () => {
  it('binds no key twice in one scope', () => {
    expect(duplicateKeys()).toEqual([]);
    const broken: Binding[] = [
      { id: 'list.one', scope: 'list', keys: ['x'], description: '' },
      { id: 'list.two', scope: 'list', keys: ['x'], description: '' },
    ];
    expect(duplicateKeys(broken)).toEqual(['list:x bound to list.one and list.two']);
  });

  it('has unique ids in scope.action form', () => {
    const ids = BINDINGS.map((b) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const b of BINDINGS) expect(b.id.startsWith(`${b.scope}.`)).toBe(true);
  });

  it('covers the defaults of DESIGN.md', () => {
    const k = (scope: Binding['scope'], key: string) => resolve(key, [scope])?.id;
    expect(k('depots', 'tab')).toBe('depots.next');
    expect(k('depots', '4')).toBe('depots.pick');
    expect(k('list', 'G')).toBe('list.last');
    expect(k('list', '/')).toBe('list.filter');
    expect(k('local', 'd')).toBe('local.delete');
    expect(k('global', 'D')).toBe('global.downloads');
    expect(k('global', 'ctrl+c')).toBe('global.quit');
    expect(k('downloads', 'x')).toBe('downloads.cancel');
    expect(k('registries', 't')).toBe('registries.test');
    expect(k('confirm', 'f')).toBe('confirm.force');
    // Enter is not yes.
    expect(k('confirm', 'enter')).toBeUndefined();
  });

  it('generates the help overlay and the README table from the table', () => {
    const sections = helpSections();
    expect(sections[0]?.title).toBe('Anywhere');
    expect(sections.flatMap((s) => s.rows).length).toBeGreaterThan(40);
    expect(helpSections({ ascii: true }).flatMap((s) => s.rows.map((r) => r.keys)).join('')).not.toMatch(/[^\x20-\x7e]/);
    expect(markdownKeyTable()).toContain('| `D` | Anywhere | downloads screen |');
  });
});

describe('key layers', () => {
  const key = (name: string): KeyEvent => ({ kind: 'key', name, text: name.length === 1 ? name : name === 'space' ? ' ' : '' });
  const layer = (id: number, scopes: Scope[], options: LayerOptions = {}) => {
    const seen: string[] = [];
    const typed: KeyEvent[] = [];
    const l: Layer = { id, scopes, options: { onText: (e) => void typed.push(e), ...options }, handler: (c) => void seen.push(c) };
    return { seen, typed, layer: l };
  };
  const dispatch = (layers: Layer[], name: string) => route(ordered(layers), key(name)).outcome !== 'none';

  it('a modal dialog shadows the screen; ctrl+c still reaches the app', () => {
    const app = layer(1, ['global']);
    const screen = layer(2, ['local', 'list']);
    const dialog = layer(3, ['confirm'], { modal: true });
    const layers = [app.layer, screen.layer, dialog.layer];
    dispatch(layers, 'd');
    dispatch(layers, 'y');
    dispatch(layers, 'q');
    dispatch(layers, 'ctrl+c');
    expect(dialog.seen).toEqual(['confirm.yes']);
    expect(screen.seen).toEqual([]);
    expect(app.seen).toEqual(['global.quit']);
  });

  it('letter keys do nothing while a text field has focus, Esc and Enter still work', () => {
    const app = layer(1, ['global']);
    const screen = layer(2, ['local', 'list']);
    const filter = layer(3, ['filter'], { typing: true });
    const layers = [app.layer, screen.layer, filter.layer];
    for (const k of ['q', 'd', 'D', 'j', '/', 'space']) dispatch(layers, k);
    expect(filter.typed.map((e) => (e.kind === 'key' ? e.name : e.text))).toEqual(['q', 'd', 'D', 'j', '/', 'space']);
    dispatch(layers, 'enter');
    dispatch(layers, 'escape');
    expect(filter.seen).toEqual(['filter.submit', 'filter.cancel']);
    expect(app.seen).toEqual([]);
    expect(screen.seen).toEqual([]);
  });

  it('layers go by priority, not by the order they registered; equal priorities: the later first', () => {
    const app = layer(1, ['global'], { priority: 0 });
    const dialog = layer(2, ['confirm'], { priority: 20, modal: true });
    const screen = layer(3, ['local', 'list'], { priority: 10 });
    expect(ordered([app.layer, dialog.layer, screen.layer]).map((l) => l.id)).toEqual([2, 3, 1]);
    dispatch([screen.layer, dialog.layer, app.layer], 'y');
    expect(dialog.seen).toEqual(['confirm.yes']);
    const a = layer(4, ['list'], { priority: 10 });
    const b = layer(5, ['list'], { priority: 10 });
    expect(ordered([a.layer, b.layer]).map((l) => l.id)).toEqual([5, 4]);
  });

  it('a layer still loading its rows holds its keys (unless forced); a disabled command says why and does nothing', () => {
    const screen = layer(1, ['tags', 'list'], { waiting: true, disabled: { 'tags.platform': 'no platforms listed' } });
    expect(route([screen.layer], key('p')).outcome).toBe('hold');
    // Held even when disabled now: what it acts on may arrive with the list.
    expect(route([screen.layer], key('P')).outcome).toBe('hold');
    expect(route([screen.layer], key('p'), true)).toMatchObject({ outcome: 'done', command: 'tags.pull' });
    expect(route([screen.layer], key('P'), true)).toMatchObject({ outcome: 'disabled', command: 'tags.platform', reason: 'no platforms listed' });
    expect(screen.seen).toEqual(['tags.pull']);
  });

  it('never passes a key on: a command the first layer binding the key does not take is refused there', () => {
    // Registries over the app: the screen binds `d` (delete) and `/` (list.filter) but takes only some commands.
    const app = layer(1, ['global'], { priority: 0 });
    const screen = layer(2, ['registries', 'list'], { priority: 10, commands: ['registries.add'] });
    expect(route(ordered([app.layer, screen.layer]), key('d'))).toMatchObject({ outcome: 'refused', command: 'registries.delete', reason: NOT_HERE });
    expect(route(ordered([app.layer, screen.layer]), key('/'))).toMatchObject({ outcome: 'refused', command: 'list.filter' });
    // A key no layer binds is refused too, with the same words.
    expect(route(ordered([app.layer, screen.layer]), key('x'))).toMatchObject({ outcome: 'refused', reason: NOT_HERE });
    // A key the screen does not bind at all reaches the app.
    expect(route(ordered([app.layer, screen.layer]), key('?'))).toMatchObject({ outcome: 'done', command: 'global.help' });
    expect(screen.seen).toEqual([]);
    expect(app.seen).toEqual(['global.help']);
  });

  it('a modal layer refuses what it does not take with its own words', () => {
    const app = layer(1, ['global'], { priority: 0 });
    const question = layer(2, ['confirm'], { priority: 50, modal: true, commands: ['confirm.force', 'confirm.no'], refusal: 'answer f or n' });
    const layers = ordered([app.layer, question.layer]);
    expect(route(layers, key('y'))).toMatchObject({ outcome: 'refused', reason: 'answer f or n' });
    expect(route(layers, key('enter'))).toMatchObject({ outcome: 'refused', reason: 'answer f or n' });
    expect(route(layers, key('q'))).toMatchObject({ outcome: 'refused', reason: 'answer f or n' });
    expect(route(layers, key('f'))).toMatchObject({ outcome: 'done', command: 'confirm.force' });
    expect(question.seen).toEqual(['confirm.force']);
  });

  it('a question that destroys something drops keys read before its frame was written', () => {
    const gate = new Gate();
    const question = layer(2, ['confirm'], { priority: 50, modal: true, commands: ['confirm.yes', 'confirm.no'], gate });
    const app = layer(1, ['global'], { priority: 0 });
    const layers = ordered([app.layer, question.layer]);
    // Read 3 held `dy`: `d` opened the question (committed at 4), not drawn yet: `y` is dropped.
    gate.open(4);
    expect(route(layers, key('y'), false, 3)).toMatchObject({ outcome: 'dropped' });
    gate.frame(5);
    // Still a key from before the frame: dropped.
    expect(route(layers, key('y'), false, 3)).toMatchObject({ outcome: 'dropped' });
    expect(gate.dropped).toBe(2);
    // ctrl+c always gets through (to quit).
    expect(route(layers, key('ctrl+c'), false, 3)).toMatchObject({ outcome: 'done', command: 'global.quit' });
    // Typed after the question was on the screen: it answers.
    expect(route(layers, key('y'), false, 6)).toMatchObject({ outcome: 'done', command: 'confirm.yes' });
    expect(question.seen).toEqual(['confirm.yes']);
  });

  it('a paste goes to the focused field, or opens a list filter; it is never read as commands', () => {
    const app = layer(1, ['global']);
    const pasted: string[] = [];
    const list = layer(2, ['list'], { priority: 10, onPaste: (t) => void pasted.push(t) });
    route(ordered([app.layer, list.layer]), { kind: 'paste', text: 'qDd' });
    expect(pasted).toEqual(['qDd']);
    expect(app.seen).toEqual([]);
    const field = layer(3, ['filter'], { priority: 30, typing: true, modal: true });
    route(ordered([app.layer, list.layer, field.layer]), { kind: 'paste', text: 'x y' });
    expect(field.typed).toEqual([{ kind: 'paste', text: 'x y' }]);
    expect(route(ordered([app.layer]), { kind: 'paste', text: 'q' }).outcome).toBe('none');
    expect(app.seen).toEqual([]);
  });

  it('the screen scope wins over the generic list scope', () => {
    const screen = layer(2, ['downloads', 'list']);
    dispatch([screen.layer], 'r');
    expect(screen.seen).toEqual(['downloads.retry']);
  });
});

describe('presentation helpers', () => {
  it('keeps the selection inside the window', () => {
    expect(clampWindow(0, 0, 0, 10)).toEqual({ selected: 0, offset: 0 });
    expect(clampWindow(25, 0, 100, 10)).toEqual({ selected: 25, offset: 16 });
    expect(clampWindow(5, 16, 100, 10)).toEqual({ selected: 5, offset: 5 });
    expect(clampWindow(150, 95, 100, 10)).toEqual({ selected: 99, offset: 90 });
  });

  it('draws bars that never show more than is done, in UTF-8 and ASCII', () => {
    const utf = createTheme({ LANG: 'en_US.UTF-8' }).glyph;
    const ascii = createTheme({ LANG: 'C' }).glyph;
    expect(barText(0.5, 10, utf)).toBe('█████░░░░░');
    expect(barText(0.55, 10, utf)).toBe('█████▌░░░░');
    expect(barText(1, 4, ascii)).toBe('####');
    expect(barText(0.99, 4, ascii)).toBe('###-');
    expect(barText(null, 4, ascii)).toBe('----');
    expect(barText(0.5, 10, utf)).toHaveLength(10);
  });

  it('NO_COLOR and non-UTF-8 locales give the plain theme', () => {
    const plain = createTheme({ NO_COLOR: '1', LANG: 'C' });
    expect(plain.color).toBe(false);
    expect(plain.ascii).toBe(true);
    expect(plain.status.error).toBeUndefined();
    expect(plain.border.style).toBe('classic');
    expect(createTheme({ LC_ALL: 'C.UTF-8' }).ascii).toBe(false);
  });
});
