// The entry of the single-file builds (dist/bin/stevedore-linux-*; scripts/build-bin.mjs bundles it with all of
// src/ as one CommonJS file). Node's SEA support runs it once, on the build machine, to make a V8 startup
// snapshot: it loads every module of src/ (and so every library they import), which compiles their code and
// runs their top level, and registers the main function. The heap is then saved into the file; at start, Node
// deserializes it and calls that function, which runs stevedore as `node dist/cli.js` would: nothing is
// parsed, compiled or initialised before the command's own work.
//
// What a module does when it loads is frozen at build time: a value it reads from the environment, the
// terminal or the file system then is the build machine's. So the same preload runs first as a probe
// (STEVEDORE_SNAPSHOT_PROBE=1, plain node, see bin-ambient.mjs) that records every such read and which module
// made it; the build stops on any read that is not listed in AMBIENT_READS with the reason it is harmless or
// the fix that runs after deserialization (refreshAfterStart below).
//
// Nothing but Node's own modules is imported statically here: every module of stevedore and its libraries loads
// inside preload(), under the probe's watch.
import v8 from 'node:v8';
import { modules } from 'stevedore:modules';
import { probeAmbientReads } from './bin-ambient.mjs';

/** What the main function runs, once preload() has loaded it. */
let cli;
let refresh;

/**
 * Loads every module, in a fixed order; `during(name)` is told which one is loading. (STEVEDORE_SNAPSHOT_ONLY, a
 * regular expression, loads only the modules it matches: to find the one a snapshot cannot hold.)
 */
async function preload(during = () => undefined) {
  const only = process.env.STEVEDORE_SNAPSHOT_ONLY ? new RegExp(process.env.STEVEDORE_SNAPSHOT_ONLY) : null;
  for (const [name, load] of modules) {
    if (only && !only.test(name)) continue;
    during(name);
    await load();
  }
  during('scripts/bin-refresh.mjs');
  refresh = await import('./bin-refresh.mjs');
  during('src/cli.tsx');
  cli = await import('../src/cli.tsx');
  during(null);
}

if (v8.startupSnapshot.isBuildingSnapshot()) {
  preload().then(
    () => undefined,
    (error) => {
      console.error(`stevedore snapshot: loading the modules failed: ${error instanceof Error ? error.stack : error}`);
      process.exit(1);
    },
  );
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    refresh.refreshAfterStart();
    cli.start();
  });
} else if (process.env.STEVEDORE_SNAPSHOT_PROBE === '1') {
  probeAmbientReads(preload).then(
    (reads) => {
      process.stdout.write(`${JSON.stringify(reads)}\n`);
      process.exit(0);
    },
    (error) => {
      console.error(`stevedore snapshot probe: ${error instanceof Error ? error.stack : error}`);
      process.exit(1);
    },
  );
} else {
  console.error('this bundle is the snapshot builder of the single file (scripts/build-bin.mjs): run dist/cli.js instead');
  process.exit(2);
}
