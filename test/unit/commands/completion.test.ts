import { describe, expect, it } from 'vitest';
import { complete, script } from '../../../src/commands/completion';
import { registerCompletion } from '../../../src/commands/completion';
import { registerConfig } from '../../../src/commands/config';
import { registerDoctor } from '../../../src/commands/doctor';
import { registerImage } from '../../../src/commands/image';
import { Warnings } from '../../../src/commands/output';
import { buildProgram } from '../../../src/commands/program';
import { registerRegistry } from '../../../src/commands/registry';
import { registerRepo } from '../../../src/commands/repo';
import type { AppServices } from '../../../src/services/index';
import { RegistryService } from '../../../src/services/registries';
import { RegistryStore } from '../../../src/store/registryStore';
import { recordingIo, tempDir } from '../helpers';

function setup(options: { slowEngine?: boolean } = {}) {
  const dir = tempDir();
  const store = new RegistryStore(dir, () => undefined);
  const registries = new RegistryService(store, 'https://registry-1.docker.io');
  const listLocal = async () => {
    if (options.slowEngine) await new Promise(() => undefined);
    return [
      { name: 'redis', fullName: 'docker.io/library/redis', images: [{ tag: '7', id: 'sha256:a', size: 1, created: '', inUse: false }], isLatest: [], inUse: false },
      { name: '<none>', fullName: '', images: [{ tag: '<none>', id: 'sha256:b', size: 1, created: '', inUse: false }], isLatest: [], inUse: false },
    ];
  };
  const services = {
    registries: async () => registries,
    engine: async () => ({ images: { listLocal } }),
    engines: async () => ({ list: () => [{ name: 'default', host: 'unix:///var/run/docker.sock', source: 'default', active: true, saved: null }, { name: 'nas', host: 'ssh://admin@nas', source: 'saved', active: false, saved: null }] }),
  } as unknown as AppServices;
  const io = recordingIo();
  const ctx = { io, json: false, warnings: new Warnings(), services, setExitCode: () => undefined };
  const program = buildProgram(ctx, [(p, c) => registerImage(p, c), registerRegistry, registerRepo, registerConfig, registerDoctor, registerCompletion]);
  return { program, services, registries };
}

const values = async (words: string[], options?: { slowEngine?: boolean }) => {
  const { program, services } = setup(options);
  return (await complete(program, services, {}, words)).map((c) => c.value);
};

describe('completion from the command tree', () => {
  it('offers nouns, verbs and flags, with the flags of the verb typed', async () => {
    expect(await values([''])).toEqual(['image', 'registry', 'repo', 'config', 'doctor', 'completion']);
    expect(await values(['image', 'p'])).toEqual(['pull', 'prune']);
    expect(await values(['image', 'pull', '--'])).toEqual(expect.arrayContaining(['--registry', '--platform', '--detach', '--json', '--help']));
  });

  it("offers a flag's choices from its parser, after a space or an =", async () => {
    expect(await values(['image', 'list', '--category', ''])).toEqual(['local', 'selected', 'qnap', 'official', 'dockerhub', 'private', 'remote']);
    expect(await values(['image', 'list', '--type='])).toEqual(['--type=docker', '--type=lxc']);
    expect(await values(['registry', 'add', 'x', '--api', 'v'])).toEqual(['v1', 'v2']);
  });

  it('offers local references (not dangling ones), and registry names where a registry is asked for', async () => {
    expect(await values(['image', 'inspect', ''])).toEqual(['redis:7']);
    expect(await values(['image', 'list', '--filter', 'x', '--registry', ''])).toEqual(['Docker Hub']);
    expect(await values(['image', 'list', '--engine', ''])).toEqual(['default', 'nas']);
    // A value after a flag that takes one is not a positional argument.
    expect(await values(['image', 'pull', '--platform', 'linux/arm64', 're'])).toEqual(['redis:7']);
  });

  it('gives up on a lookup that does not answer in time, without failing', async () => {
    // The engine never answers (its listLocal never settles): an answer at all is the lookup deadline firing.
    expect(await values(['image', 'rm', ''], { slowEngine: true })).toEqual([]);
  });

  it('prints a script for each shell that calls back into stevedore', () => {
    expect(script('bash')).toContain('complete -o nosort -F _stevedore stevedore');
    expect(script('zsh')).toMatch(/^#compdef stevedore/);
    expect(script('fish')).toContain("complete -c stevedore -f -a '(__stevedore_complete)'");
    for (const shell of ['bash', 'zsh', 'fish'] as const) expect(script(shell)).toContain('stevedore __complete');
  });
});
