// The Ink hello (app.jsx) as a single file, made as stevedore's (scripts/bin-entry.mjs): the snapshot holds Ink
// and React loaded; at start the same refresh runs (scripts/bin-refresh.mjs), then the app.
import v8 from 'node:v8';

let app;
let refresh;
Promise.all([import('./app.jsx'), import('../../scripts/bin-refresh.mjs')]).then(([a, r]) => {
  app = a;
  refresh = r;
});
v8.startupSnapshot.setDeserializeMainFunction(() => {
  refresh.refreshAfterStart();
  app.main().then(() => process.exit(0));
});
