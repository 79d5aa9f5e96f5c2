// Layout at the edges: tabs past the sixth, and a terminal smaller than 80x24.
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { visibleTabs } from '../../src/ui/components/Tabs';
import { fakeServices, localRepo } from './fakes';
import { renderApp } from './render';

afterEach(() => cleanup());

describe('tabs', () => {
  const tabs = ['Local', 'Selected', 'Official', 'Docker Hub', 'plain', 'tok', 'lab', 'nas-registry', 'work'].map((label) => ({ label }));

  it('shows every tab when they fit', () => {
    expect(visibleTabs(tabs, 0, 200)).toEqual({ shown: [0, 1, 2, 3, 4, 5, 6, 7, 8], more: false });
  });

  it('keeps the selected tab on show when the ones before it fill the width', () => {
    const { shown, more } = visibleTabs(tabs, 7, 80);
    expect(more).toBe(true);
    expect(shown).toContain(7);
    expect(shown[0]).toBe(0);
    const { shown: first } = visibleTabs(tabs, 0, 80);
    expect(first).toContain(0);
    expect(first).not.toContain(8);
  });
});

describe('a terminal smaller than 80x24', () => {
  it('says so, and shows the app again when it grows', async () => {
    const { services } = fakeServices({ local: [localRepo('redis', ['7'])] });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('redis'), 'local rows');
    const size = { columns: 60, rows: 15 };
    Object.defineProperty(app.stdout, 'columns', { get: () => size.columns, configurable: true });
    Object.defineProperty(app.stdout, 'rows', { get: () => size.rows, configurable: true });
    app.stdout.emit('resize');
    await app.waitFor((f) => f.includes('terminal too small: 80x24 needed, this is 60x15'), 'the message');
    expect(app.frame()).not.toContain('redis');
    size.columns = 100;
    size.rows = 30;
    app.stdout.emit('resize');
    await app.waitFor((f) => f.includes('redis') && !f.includes('too small'), 'the app again');
  });
});
