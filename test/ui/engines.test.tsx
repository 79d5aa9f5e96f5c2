// The engines screen (C): state of each engine, Enter switches without a restart (the header names the
// engine, the screens start afresh on it), add / edit / delete saved engines, contexts are not ours to change.
import { describe, expect, it } from 'vitest';
import { fakeServices } from './fakes';
import { KEY, renderApp } from './render';

describe('Engines screen', () => {
  it('shows each engine with its state; Enter switches and the header names the new engine', async () => {
    const { services } = fakeServices({ local: [] });
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('@default'), 'header names the engine');
    await app.press('C');
    await app.waitFor((f) => f.includes('docker 27.0.0') && f.includes('ssh://admin@nas'), 'engine rows with their state');
    expect(app.frame()).toMatch(/\* +default +default +unix:\/\/\/var\/run\/docker\.sock +docker 20\.10\.24/);
    await app.press(KEY.down);
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('@nas') && f.includes('Depots'), 'switched: header and the Local list');
    expect(services.engines.active()).toBe('nas');
    // Back on the engines screen the cursor is on the engine in use: Enter there changes nothing.
    await app.press('C');
    await app.waitFor((f) => /› +\* +nas/.test(f), 'cursor on the active engine');
    app.unmount();
  });

  it('applies keys typed ahead of the rows from the engine in use (Ck Enter: the one above it)', async () => {
    const { services } = fakeServices({ local: [] });
    await services.engines.save(null, { name: 'mini', host: 'tcp://mini:2375', tlsVerify: false, certPath: '', dockerPath: '' });
    await services.engines.switchTo('mini');
    const later = <T,>(value: Promise<T>) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 150));
    const { list, check } = services.engines;
    services.engines.list = () => later(list());
    services.engines.check = () => later(check());
    const app = renderApp(services);
    await app.waitFor((f) => f.includes('@mini'), 'header names the engine');
    app.write(`Ck${KEY.enter}`);
    await app.waitFor((f) => !f.includes('@mini'), 'switched');
    expect(services.engines.active()).toBe('nas');
    app.unmount();
  });

  it('adds a saved engine with the form, refuses to edit a built-in one, deletes after asking', async () => {
    const { services } = fakeServices({ local: [] });
    const app = renderApp(services);
    await app.press('C');
    await app.waitFor((f) => f.includes('ssh://admin@nas'));
    await app.press('e');
    await app.waitFor((f) => f.includes('"default" is built in'), 'built-in engines are not edited');
    await app.press('a');
    await app.waitFor((f) => /› Name/.test(f), 'the form, on its name field');
    await app.type('mini');
    await app.press(KEY.tab);
    await app.waitFor((f) => /› Host/.test(f), 'focus on the host field');
    await app.type('tcp://mini:2375');
    await app.press(KEY.enter);
    await app.waitFor((f) => f.includes('saved engine "mini"') && f.includes('tcp://mini:2375'), 'saved and listed');
    await app.press('G', 'd');
    await app.waitFor((f) => f.includes('Delete engine "mini"?'));
    await app.press('y');
    await app.waitFor((f) => f.includes('removed engine "mini"') && !f.includes('tcp://mini:2375'));
    app.unmount();
  });
});
