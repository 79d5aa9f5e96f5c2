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

it('cuts a long question and a long field value with "..." under LANG=C, never Ink\'s ellipsis', async () => {
  const long = `team/${'very-long-name-'.repeat(10)}app`;
  const { services } = fakeServices({ local: [localRepo(long, ['1.0'])] });
  const app = renderApp(services, { env: { LANG: 'C', NO_COLOR: '1' } });
  await app.waitFor((f) => f.includes('very-long-name-app'));
  await app.press('d');
  await app.waitFor((f) => f.includes('Delete team/'), 'the delete question');
  const question = app.frame();
  expect(question).toMatch(/Delete team\/very-long-name-[a-z-]*\.\.\./);
  await app.press('n');
  await app.waitFor((f) => !f.includes('Delete team/'));
  await app.press('R');
  await app.waitFor((f) => f.includes('Docker Hub (built in)'));
  await app.press('a');
  await app.waitFor((f) => f.includes('Add a registry'));
  await app.press(KEY.tab);
  app.write(`https://${'a'.repeat(150)}.example`);
  await app.settled();
  const typed = app.frame();
  // The end of the value, where the cursor is, with "..." where its start is cut.
  expect(typed).toMatch(/URL +\.\.\.a+\.example/);
  await app.press(KEY.home);
  expect(app.frame()).toMatch(/URL +https:\/\/a+\.\.\./);
  for (const s of [question, typed, app.frame()]) expect([...s].filter((c) => c > '\x7f').join('')).toBe('');
});
