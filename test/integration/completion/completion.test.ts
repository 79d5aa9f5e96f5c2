// Shell completion as a person gets it: the script from `stevedore completion SHELL` loaded into a real bash, zsh
// and fish, with the built stevedore on PATH against the test world (local images, saved registries).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWorld, useCommand } from '../../world/harness.js';
import { docker, type WorldInfo } from '../../world/index.js';
import { BIN, assertBuilt, run, session, type Session } from '../engine/helpers.js';

async function dockerOk(world: WorldInfo, args: string[]): Promise<void> {
  const r = await docker(world, args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
}

describeWorld('shell completion', (world) => {
  let s: Session;
  let bin = '';
  let env: NodeJS.ProcessEnv = {};

  /** What bash offers for a line typed up to the cursor (the script's function run as bash runs it on <TAB>). */
  const bashComplete = (line: string): string[] => {
    const script = `source <(stevedore completion bash)
COMP_LINE="$1"; COMP_POINT=\${#COMP_LINE}
read -ra COMP_WORDS <<< "$COMP_LINE"; [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=("")
COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
_stevedore
printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script, 'bash', line], { env, encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`bash failed (${r.status}): ${r.stderr}`);
    return r.stdout.split('\n').filter(Boolean);
  };

  beforeAll(async () => {
    assertBuilt();
    s = session(world);
    bin = mkdtempSync(join(tmpdir(), 'sd-complete-'));
    writeFileSync(join(bin, 'stevedore'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'stevedore'), 0o755);
    env = { ...s.env, PATH: `${bin}:${s.env.PATH ?? ''}` };
    await dockerOk(world, ['pull', world.seeded.alpine ?? 'alpine:3.19']);
    await dockerOk(world, ['tag', world.seeded.alpine ?? 'alpine:3.19', 'complete-me/app:1.0']);
    const added = await run(s, ['registry', 'add', 'lab registry', '--url', world.registries.plain.url]);
    expect(added.code, added.stderr).toBe(0);
  });

  afterAll(async () => {
    // Both tags: the pulled one too, or the engine is not empty for the next file (world.test.ts expects it so).
    await docker(world, ['rmi', 'complete-me/app:1.0', world.seeded.alpine ?? 'alpine:3.19']);
    if (bin) rmSync(bin, { recursive: true, force: true });
    if (s) rmSync(s.configDir, { recursive: true, force: true });
  });

  it('bash: the script registers a completion function', () => {
    const r = spawnSync('bash', ['-c', 'source <(stevedore completion bash); complete -p stevedore'], { env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('complete -o nosort -F _stevedore stevedore');
  });

  it('bash: completes nouns, verbs, flags and their choices from the command tree', () => {
    expect(bashComplete('stevedore ')).toEqual(expect.arrayContaining(['image', 'registry', 'repo', 'config', 'doctor', 'completion']));
    expect(bashComplete('stevedore image p')).toEqual(['pull', 'prune']);
    expect(bashComplete('stevedore image list --c')).toEqual(['--category']);
    expect(bashComplete('stevedore image list --category o')).toEqual(['official']);
    expect(bashComplete('stevedore completion ')).toEqual(['bash', 'zsh', 'fish']);
    expect(bashComplete('stevedore config get downloads.')).toEqual(['downloads.concurrency']);
  });

  it('bash: completes local image references (colons kept whole) and registry names (spaces escaped)', () => {
    expect(bashComplete('stevedore image pull complete-me/')).toEqual(['complete-me/app:1.0']);
    // bash replaces only what follows the last ':' of the word.
    expect(bashComplete('stevedore image rm complete-me/app:')).toEqual(['1.0']);
    expect(bashComplete('stevedore image list --registry ')).toEqual(['Docker\\ Hub', 'lab\\ registry']);
    expect(bashComplete('stevedore registry edit ')).toEqual(['lab\\ registry']);
  });

  it('zsh and fish: the scripts load and offer the same candidates with descriptions', () => {
    useCommand('zsh', 'zsh');
    useCommand('fish', 'fish');
    const zsh = spawnSync('zsh', ['-f', '-c', 'autoload -U compinit && compinit -u -D && source <(stevedore completion zsh) && print -r -- ${_comps[stevedore]}'], { env, encoding: 'utf8' });
    expect(zsh.error, 'zsh is needed (apt-get install zsh)').toBeUndefined();
    expect(zsh.status, zsh.stderr).toBe(0);
    expect(zsh.stdout.trim()).toBe('_stevedore');
    const fish = spawnSync('fish', ['--no-config', '-c', 'stevedore completion fish | source; complete -C "stevedore image p"'], { env, encoding: 'utf8' });
    expect(fish.error, 'fish is needed (apt-get install fish)').toBeUndefined();
    expect(fish.status, fish.stderr).toBe(0);
    expect(fish.stdout).toMatch(/^pull\tdownload an image/m);
    expect(fish.stdout).toMatch(/^prune\tremove dangling images/m);
  });
});
