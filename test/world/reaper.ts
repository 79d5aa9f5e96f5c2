// Watchdog started (detached) by startWorld: when the process that runs the world dies without calling
// stop() — Ctrl-C on vitest, a crash, SIGKILL — it undoes everything recorded in resources.json, so no
// dockerd, registry or certs.d entry is left behind. stop() ends the reaper first (SIGTERM, default action).
// Usage: node --import tsx test/world/reaper.ts <resources.json> <parent pid>
import fs from 'node:fs';
import { cleanup, loadResources } from './cleanup.js';
import { sleep } from './async.js';
import { pidAlive } from './proc.js';

async function main(file: string, parent: number): Promise<void> {
  while (pidAlive(parent)) {
    if (!fs.existsSync(file)) return; // stopped normally
    await sleep(300);
  }
  const res = loadResources(file);
  if (!res) return;
  console.error(`[stevedore world reaper] parent ${parent} is gone; cleaning up ${res.root}`);
  await cleanup(res);
}

const [file, parent] = process.argv.slice(2);
if (!file || !parent) {
  console.error('usage: reaper.ts <resources.json> <parent pid>');
  process.exit(2);
}
await main(file, Number(parent));
