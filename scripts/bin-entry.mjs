// The entry of the single-file builds (dist/bin/stevedore-linux-*; scripts/build-bin.mjs bundles it with all of
// src/ as one CommonJS file). Node's SEA support runs it once, on the build machine, to make a V8 startup
// snapshot: importing `stevedore:all` loads every module of src/ (and so every library they import), which
// compiles their code and runs their top level; then the main function is registered. The heap is saved into
// the file; at start, Node deserializes it and calls that function, which runs stevedore as `node dist/cli.js`
// would: nothing is parsed, compiled or initialised before the command's own work.
//
// The modules are imported statically (not with import()): esbuild then gives them one scope, without the
// namespace objects and export getters a dynamic import needs (~2,000 closures fewer in the snapshot).
//
// What a module does when it loads is frozen at build time: a value it reads from the environment, the
// terminal or the file system then is the build machine's. So the same bundle runs first as a probe
// (STEVEDORE_SNAPSHOT_PROBE=1, plain node with bin-ambient.mjs preloaded) that records every such read and
// where it happened; the build stops on any read that AMBIENT_READS (build-bin.mjs) does not list with the
// reason it is harmless or the fix that runs after deserialization (bin-refresh.mjs).
import 'stevedore:all';
import v8 from 'node:v8';
import { main, start } from '../src/cli.tsx';
import { refreshAfterStart } from './bin-refresh.mjs';

/**
 * Runs what every command runs first, so that its code is compiled in the snapshot too (a function V8 has not
 * run is compiled when it is first called): the program's help and version, and each noun's help, which
 * registers that noun's verbs. Output goes nowhere; nothing is read from the machine (an empty environment).
 */
async function train() {
  let out = '';
  const sink = { write: (chunk) => ((out += chunk), true), isTTY: false, columns: 80 };
  const stdin = { isTTY: false, on: () => stdin };
  const io = { stdout: sink, stderr: sink, stdin, env: {} };
  await main(['__help-index'], io);
  const { nouns } = JSON.parse(out);
  for (const argv of [['--help'], ['--version'], ['--help', '--json'], ...nouns.map((n) => [n.name, '--help'])]) await main(argv, io);
}

if (v8.startupSnapshot.isBuildingSnapshot()) {
  train().then(
    () => undefined,
    (error) => {
      console.error(`stevedore snapshot: the training run failed: ${error instanceof Error ? error.stack : error}`);
      process.exit(1);
    },
  );
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    refreshAfterStart();
    start();
  });
} else if (process.env.STEVEDORE_SNAPSHOT_PROBE === '1' && typeof globalThis.stevedoreAmbientReads === 'function') {
  train().then(() => {
    process.stdout.write(`${JSON.stringify(globalThis.stevedoreAmbientReads())}\n`);
    process.exit(0);
  });
} else {
  console.error('this bundle is the snapshot builder of the single file (scripts/build-bin.mjs): run dist/cli.js instead');
  process.exit(2);
}
