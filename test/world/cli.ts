// Run the test world by hand or for benchmarks:
//   npx tsx test/world/cli.ts up [--no-seed]
// starts and seeds it, prints the WorldInfo JSON, writes it to $TMPDIR/stevedore-world.json, and stays in the
// foreground until SIGINT/SIGTERM, then stops cleanly. Point vitest at it with
//   STEVEDORE_WORLD_FILE=$TMPDIR/stevedore-world.json npx vitest run --project integration
import fs from 'node:fs';
import { startWorld } from './world.js';
import { WORLD_FILE } from './reuse.js';

async function up(seed: boolean): Promise<void> {
  const world = await startWorld({ seed });
  fs.writeFileSync(WORLD_FILE, JSON.stringify(world.info, null, 2));
  console.log(JSON.stringify(world.info, null, 2));
  console.error(`stevedore test world up in ${world.info.startedInMs} ms; info in ${WORLD_FILE}; Ctrl-C to stop`);
  let stopping = false;
  const stop = (sig: string): void => {
    if (stopping) return;
    stopping = true;
    console.error(`${sig}: stopping the world…`);
    world
      .stop()
      .then(() => {
        // Only remove the file if it still describes this world (another `up` may have replaced it).
        if (fs.existsSync(WORLD_FILE) && fs.readFileSync(WORLD_FILE, 'utf8').includes(world.info.root)) fs.unlinkSync(WORLD_FILE);
        process.exit(0);
      })
      .catch((err: unknown) => {
        console.error(err);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

const [cmd, ...flags] = process.argv.slice(2);
if (cmd !== 'up') {
  console.error('usage: tsx test/world/cli.ts up [--no-seed]');
  process.exit(2);
}
up(!flags.includes('--no-seed')).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
