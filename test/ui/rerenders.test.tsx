// How much of the app a download progress tick re-renders (issue 20, item 3 of the model work; the review's
// leftover 1): the root screens, the depots list and the key hints must not re-render per tick; only what shows
// the progress does (the status line, the Downloads screen when it is on show).
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { download, fakeServices, localRepo } from './fakes';
import { renderApp } from './render';
import { progressIntervalMs } from '../../src/app/Screens';

const renders = vi.hoisted(() => ({ Screens: 0, DepotsScreen: 0, DownloadsScreen: 0, StatusBar: 0, KeyHints: 0 }));

vi.mock('../../src/app/Screens', async (original) => {
  const m = await original<typeof import('../../src/app/Screens')>();
  return { ...m, Screens: (p: Parameters<typeof m.Screens>[0]) => (renders.Screens++, m.Screens(p)) };
});
vi.mock('../../src/ui/screens/depots/DepotsScreen', async (original) => {
  const m = await original<typeof import('../../src/ui/screens/depots/DepotsScreen')>();
  return { ...m, DepotsScreen: (p: Parameters<typeof m.DepotsScreen>[0]) => (renders.DepotsScreen++, m.DepotsScreen(p)) };
});
vi.mock('../../src/ui/screens/downloads/DownloadsScreen', async (original) => {
  const m = await original<typeof import('../../src/ui/screens/downloads/DownloadsScreen')>();
  return { ...m, DownloadsScreen: (p: Parameters<typeof m.DownloadsScreen>[0]) => (renders.DownloadsScreen++, m.DownloadsScreen(p)) };
});
vi.mock('../../src/ui/components/StatusBar', async (original) => {
  const m = await original<typeof import('../../src/ui/components/StatusBar')>();
  return { ...m, StatusBar: (p: Parameters<typeof m.StatusBar>[0]) => (renders.StatusBar++, m.StatusBar(p)) };
});
vi.mock('../../src/ui/components/KeyHints', async (original) => {
  const m = await original<typeof import('../../src/ui/components/KeyHints')>();
  return { ...m, KeyHints: (p: Parameters<typeof m.KeyHints>[0]) => (renders.KeyHints++, m.KeyHints(p)) };
});

afterEach(() => {
  cleanup();
});

function reset(): void {
  for (const k of Object.keys(renders) as (keyof typeof renders)[]) renders[k] = 0;
}

const TICKS = 30;

async function ticks(app: ReturnType<typeof renderApp>, set: (percent: number) => void): Promise<void> {
  for (let i = 1; i <= TICKS; i++) {
    set(10 + i);
    await app.settled();
  }
}

describe('a download progress tick', () => {
  it('does not re-render the root, the depots list or the key hints', async () => {
    const { services, downloads } = fakeServices({ local: [localRepo('redis', ['7']), localRepo('nginx', ['latest'])] });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('redis'), 'the local list');
    downloads.set([download('alpine', { percent: 10 })]);
    await app.waitFor((f) => f.includes('1 downloading'), 'the download in the status line');
    reset();
    await ticks(app, (percent) => downloads.set([download('alpine', { percent, current: percent * 100_000 })]));
    console.log(`renders over ${TICKS} ticks on Local: ${JSON.stringify(renders)}`);
    expect(renders.Screens).toBe(0);
    expect(renders.DepotsScreen).toBe(0);
    expect(renders.KeyHints).toBe(0);
  });

  it('on the Downloads screen re-renders that screen and the status line at the sampling rate, never the root', async () => {
    const { services, downloads } = fakeServices({ local: [localRepo('redis', ['7'])] });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('redis'), 'the local list');
    downloads.set([download('alpine', { percent: 10 })]);
    await app.command('global.downloads');
    await app.waitFor((f) => f.includes('alpine'), 'the download');
    reset();
    // Ticks as the worker sends them (every 100 ms), for about a second and a half of wall time: the screen
    // shows progress at most every 500 ms (progressIntervalMs), however many ticks came.
    const start = performance.now();
    for (let i = 1; i <= 15; i++) {
      downloads.set([download('alpine', { percent: 10 + i, current: (10 + i) * 100_000 })]);
      await new Promise((r) => setTimeout(r, 100));
    }
    await app.settled();
    const elapsed = performance.now() - start;
    console.log(`renders over 15 ticks in ${Math.round(elapsed)} ms on Downloads: ${JSON.stringify(renders)}`);
    const most = Math.ceil(elapsed / progressIntervalMs(false)) + 1;
    expect(renders.Screens).toBe(0);
    expect(renders.KeyHints).toBe(0);
    expect(renders.DownloadsScreen).toBeGreaterThan(0);
    expect(renders.DownloadsScreen).toBeLessThanOrEqual(most);
    expect(renders.StatusBar).toBeLessThanOrEqual(most);
  });
});
