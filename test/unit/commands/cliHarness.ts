// Runs the commander program in-process with real stores in a temp dir and an in-memory Io.
import type { CommandContext } from '../../../src/commands/context';
import { registerConfig } from '../../../src/commands/config';
import { Warnings } from '../../../src/commands/output';
import { buildProgram, runProgram } from '../../../src/commands/program';
import { registerRegistry } from '../../../src/commands/registry';
import type { AppServices } from '../../../src/services/index';
import { type RegistryProbe, RegistryService } from '../../../src/services/registries';
import { SettingsService } from '../../../src/services/settings';
import { RegistryStore } from '../../../src/store/registryStore';
import { SettingsStore } from '../../../src/store/settingsStore';
import { type RecordingIo, recordingIo } from '../helpers';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json(): unknown;
}

export async function runCli(dir: string, argv: string[], options: { stdin?: string; probe?: RegistryProbe; io?: RecordingIo } = {}): Promise<CliRun> {
  const io = options.io ?? recordingIo();
  if (options.stdin !== undefined) io.feed(options.stdin);
  const json = argv.includes('--json');
  const warnings = new Warnings(json ? undefined : (line) => io.stderr.write(`warning: ${line}\n`));
  const registryStore = new RegistryStore(dir, warnings.add);
  const settingsStore = new SettingsStore(dir, warnings.add);
  const services = {
    settings: async () => new SettingsService(settingsStore),
    registries: async () => new RegistryService(registryStore, 'https://registry-1.docker.io', options.probe),
  } as Partial<AppServices> as AppServices;
  const ctx: CommandContext = { io, json, warnings, services, setExitCode: () => undefined };
  const program = buildProgram(ctx, [registerRegistry, registerConfig]);
  const code = await runProgram(program, ctx, argv);
  return { code, stdout: io.out(), stderr: io.err(), json: () => JSON.parse(io.out()) as unknown };
}
