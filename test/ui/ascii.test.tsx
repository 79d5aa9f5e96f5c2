import { cleanup } from 'ink-testing-library';
import { afterEach, expect, it } from 'vitest';
import { KEY, renderApp } from './render';
import { download, fakeServices, localRepo } from './fakes';

afterEach(() => cleanup());

it('draws only ASCII on a terminal that is not UTF-8', async () => {
  const { services, downloads } = fakeServices({ local: [localRepo('redis', ['7'])] });
  downloads.set([download('redis:7', { percent: 55 })]);
  const app = renderApp(services, { env: { LANG: 'C', NO_COLOR: '1' } });
  await app.waitFor((f) => f.includes('redis'));
  const screens = [app.frame()];
  await app.press('D');
  await app.waitFor((f) => f.includes('Downloads'));
  screens.push(app.frame());
  await app.press('R');
  await app.waitFor((f) => f.includes('Docker Hub (built in)'));
  await app.press('a');
  await app.waitFor((f) => f.includes('Add a registry'));
  screens.push(app.frame());
  await app.press(KEY.escape);
  await app.waitFor((f) => !f.includes('Add a registry'));
  await app.press('?');
  await app.waitFor((f) => f.includes('Keys'));
  screens.push(app.frame());
  for (const s of screens) expect([...s].filter((c) => c > "\x7f").join("")).toBe("");
  expect(screens[1]).toMatch(/#{5,}-+ +55%/);
});
