// The bundled Ink hello (app.jsx), started as dist/cli.js starts the app.
import { main } from './app.jsx';

await main();
