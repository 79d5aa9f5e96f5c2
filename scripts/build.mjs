// Bundles src/cli.tsx into dist/cli.js (the `stevedore` bin) with esbuild.
// The entry stays small: heavy modules (ink/react, undici) are imported lazily
// and land in chunks beside it, so `stevedore --help` does not parse them.
// The bundle is self-contained: the published package has no runtime dependencies (every library is a
// devDependency), so an import left outside the bundle fails the build (see assertSelfContained).
import * as esbuild from 'esbuild';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildInfo } from './build-info.mjs';
import { assertSelfContained, commonOptions, dropAjv } from './esbuild-common.mjs';
import { helpIndex } from './help-index.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const watch = process.argv.includes('--watch');
const analyze = process.argv.includes('--analyze');

// dist/bin (the single files, npm run build:bin) stays: it is built from this source separately.
await rm(`${root}/dist/cli.js`, { force: true });
await rm(`${root}/dist/chunks`, { recursive: true, force: true });
const options = {
  ...commonOptions,
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli.tsx' },
  outdir: 'dist',
  metafile: true,
  define: {
    ...commonOptions.define,
    __STEVEDORE_BUILD__: JSON.stringify(buildInfo(root)),
    // (Not in watch mode: the nouns change while it runs; --help then loads every noun, as from source.)
    ...(watch ? {} : { __STEVEDORE_HELP_INDEX__: JSON.stringify(await helpIndex(root)) }),
  },
  alias: { ...commonOptions.alias },
  plugins: [dropAjv, ...commonOptions.plugins],
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  const result = await esbuild.build(options);
  assertSelfContained(result.metafile);
  if (analyze) console.log(await esbuild.analyzeMetafile(result.metafile));
}
