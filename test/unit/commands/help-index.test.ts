// `stevedore --help` (and --version, an unknown noun) runs on stand-ins for the nouns, made from the help index
// the build puts into the bundle (src/commands/program.ts, scripts/help-index.mjs). Commander must format them
// exactly as the real nouns, at every terminal width; and the built bundle's index must be today's.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registerCompletion } from '../../../src/commands/completion';
import { registerConfig } from '../../../src/commands/config';
import type { CommandContext } from '../../../src/commands/context';
import { registerDoctor } from '../../../src/commands/doctor';
import { registerEngine } from '../../../src/commands/engine';
import { registerImage } from '../../../src/commands/image';
import { registerImageDownloads } from '../../../src/commands/image-downloads';
import { registerImageUpdates } from '../../../src/commands/image-updates';
import { registerLxdServer } from '../../../src/commands/lxd-server';
import { registerNotify } from '../../../src/commands/notify';
import { Warnings } from '../../../src/commands/output';
import { type HelpIndex, type Register, buildProgram, helpIndexOf, helpStubs, nounOf, runProgram } from '../../../src/commands/program';
import { registerRegistry } from '../../../src/commands/registry';
import { registerRepo } from '../../../src/commands/repo';
import { registerWatch } from '../../../src/commands/watch';
import { registerServe } from '../../../src/serve/command';
import type { AppServices } from '../../../src/services/index';
import { recordingIo } from '../helpers';

const BIN = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));

/** Every noun, registered as src/cli.tsx registers them (the test below checks the list is the bundle's). */
const nouns: Register[] = [
  (p, c) => {
    const image = registerImage(p, c);
    registerImageDownloads(image, c);
    registerImageUpdates(image, c);
  },
  registerRegistry,
  registerRepo,
  registerConfig,
  registerLxdServer,
  registerEngine,
  registerServe,
  registerDoctor,
  registerWatch,
  registerNotify,
  registerCompletion,
];

function context(columns: number, json = false) {
  const io = recordingIo({}, { columns });
  const ctx: CommandContext = { io, json, warnings: new Warnings(), services: {} as AppServices, setExitCode: () => undefined };
  return { io, ctx };
}

async function run(registers: Register[], argv: string[], columns = 80): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, ctx } = context(columns, argv.includes('--json'));
  const code = await runProgram(buildProgram(ctx, registers), ctx, argv);
  return { code, stdout: io.out(), stderr: io.err() };
}

const realIndex = (): HelpIndex => helpIndexOf(buildProgram(context(80).ctx, nouns));

describe('the nouns stand-ins of --help', () => {
  it.each([40, 60, 80, 100, 132, 200])('format the program help as the real nouns at %i columns', async (columns) => {
    const stubs = [helpStubs(realIndex())];
    expect((await run(stubs, ['--help'], columns)).stdout).toBe((await run(nouns, ['--help'], columns)).stdout);
    const { ctx: a } = context(columns);
    const { ctx: b } = context(columns);
    expect(buildProgram(a, stubs).helpInformation()).toBe(buildProgram(b, nouns).helpInformation());
  });

  it.each([['--version'], ['-h'], ['--help', '--json'], ['imagee'], ['--engine', 'nas', '--help'], ['--bogus']])('answer %j as the real nouns do', async (...argv) => {
    const real = await run(nouns, argv);
    const stubbed = await run([helpStubs(realIndex())], argv);
    expect(stubbed).toEqual(real);
  });

  it('find the noun after the program options', () => {
    expect(nounOf(['--engine', 'nas', 'image', 'list'])).toBe('image');
    expect(nounOf(['--engine=nas', 'image'])).toBe('image');
    expect(nounOf(['--json', 'registry', 'list'])).toBe('registry');
    expect(nounOf(['--', 'image'])).toBe('image');
    expect(nounOf(['--help'])).toBeNull();
    expect(nounOf([])).toBeNull();
  });

  // (npm test builds first; in CI a missing bundle fails.)
  it.skipIf(!existsSync(BIN) && process.env.CI !== 'true')("are today's in the built bundle (npm run build)", () => {
    // The bundle's own answer, every noun loaded, and what its --help shows with the stand-ins (80 columns: a pipe).
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    const built = JSON.parse(execFileSync(process.execPath, [BIN, '__help-index'], { encoding: 'utf8', env })) as HelpIndex;
    expect(built).toEqual(realIndex());
    const help = execFileSync(process.execPath, [BIN, '--help'], { encoding: 'utf8', env });
    const { ctx } = context(80);
    expect(help).toBe(buildProgram(ctx, nouns).helpInformation());
  });
});
