// Shell completion. `stevedore completion bash|zsh|fish` prints a small script that asks stevedore itself what
// can come next (`stevedore __complete WORD… CURRENT`), so the commander tree stays the one source of truth:
// nouns, verbs and flags come from it (choices from a flag's parser, see `choice()`), and values that live in
// the settings or on the engine (registry names, engine names, saved repositories, setting keys, local image
// references) from the services, each under a short deadline so a silent engine never stalls a <TAB>.
import { type Command, Help, type Option } from 'commander';
import type { AppServices } from '../services/index';
import type { CommandContext } from './context';
import { EXIT } from './output';
import { choice, leaf } from './program';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** A candidate and what it is (zsh and fish show the description; bash only the value). */
export interface Candidate {
  value: string;
  description?: string;
}

type Provider = (services: AppServices) => Promise<Candidate[]>;

/** How long a value lookup (engine, settings) may take before completion goes on without it. */
const LOOKUP_MS = 1500;

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/arm/v6', 'linux/386', 'linux/ppc64le', 'linux/s390x', 'linux/riscv64'];

const localRefs: Provider = async (services) => {
  const repos = await (await services.engine()).images.listLocal();
  const out: Candidate[] = [];
  for (const repo of repos) {
    if (repo.name === '<none>') continue;
    for (const image of repo.images) if (image.tag !== '<none>') out.push({ value: `${repo.name}:${image.tag}`, description: 'local image' });
  }
  return out;
};
const localRepositories: Provider = async (services) =>
  (await (await services.engine()).images.listLocal()).filter((r) => r.name !== '<none>').map((r) => ({ value: r.name, description: 'local repository' }));
const registries =
  (withBuiltin: boolean): Provider =>
  async (services) =>
    (await services.registries())
      .list()
      .filter((r) => withBuiltin || !r.builtin)
      .map((r) => ({ value: r.name, description: r.url }));
const savedRepositories: Provider = async (services) => (await (await services.remote()).repositories.list()).map((r) => ({ value: r.name, description: 'saved repository' }));
const settingKeys: Provider = async () => {
  const { SETTING_KEYS } = await import('../domain/settings');
  return SETTING_KEYS.map((k) => ({ value: k, description: 'setting' }));
};
/** Engine names, as `stevedore engine list` shows them (default, DOCKER_HOST, docker's contexts, saved engines). */
const engines =
  (savedOnly: boolean): Provider =>
  async (services) =>
    (await services.engines())
      .list()
      .filter((e) => !savedOnly || e.source === 'saved')
      .map((e) => ({ value: e.name, description: e.host }));

/** Values of a positional argument, by `noun verb` and argument name (the commander tree names both). */
const ARGUMENTS: Record<string, Provider> = {
  'image inspect <ref>': localRefs,
  'image pull <ref>': localRefs,
  'image rm <ref>': localRefs,
  'image update <ref>': localRefs,
  'image tags <name>': localRepositories,
  'registry edit <name>': registries(false),
  'registry rm <name>': registries(false),
  'repo show <name>': savedRepositories,
  'repo update <name>': savedRepositories,
  'repo rm <name>': savedRepositories,
  'config get <key>': settingKeys,
  'config set <key>': settingKeys,
  'engine rm <name>': engines(true),
  'engine use <name>': engines(false),
};

/** Values of a flag, by its long name, where its parser does not list them. */
const FLAG_VALUES: Record<string, Provider> = {
  '--registry': registries(true),
  '--engine': engines(false),
  '--platform': async () => PLATFORMS.map((value) => ({ value, description: 'platform' })),
};

export function registerCompletion(program: Command, ctx: CommandContext): void {
  leaf(program, ctx, 'completion', 'print the shell completion script for bash, zsh or fish')
    .argument('<shell>', 'bash, zsh or fish', choice('shell', SHELLS))
    .addHelpText(
      'after',
      [
        '',
        'Load it in the running shell, or add the line to your shell profile:',
        '  bash   source <(stevedore completion bash)        (~/.bashrc)',
        '  zsh    source <(stevedore completion zsh)         (~/.zshrc, after compinit)',
        '  fish   stevedore completion fish | source         (~/.config/fish/config.fish)',
      ].join('\n'),
    )
    .action((shell: Shell) => {
      ctx.io.stdout.write(script(shell));
    });
}

/** `stevedore __complete WORD… CURRENT`: one candidate a line, `value<TAB>description`. */
export async function runComplete(program: Command, ctx: CommandContext, words: string[]): Promise<number> {
  const found = await complete(program, ctx.services, ctx.io.env, words);
  if (found.length > 0) ctx.io.stdout.write(`${found.map((c) => (c.description ? `${c.value}\t${oneLine(c.description)}` : c.value)).join('\n')}\n`);
  return EXIT.ok;
}

export async function complete(program: Command, services: AppServices, env: NodeJS.ProcessEnv, words: string[]): Promise<Candidate[]> {
  const help = new Help();
  const current = words.length > 0 ? (words[words.length - 1] ?? '') : '';
  const before = words.slice(0, -1);
  let cmd = program;
  let positionals = 0;
  let valueOf: Option | null = null;
  for (const word of before) {
    if (valueOf) {
      valueOf = null;
      continue;
    }
    if (word.startsWith('-') && word !== '-') {
      const option = findOption(cmd, program, word.split('=')[0] ?? word);
      if (option && (option.required || option.optional) && !word.includes('=')) valueOf = option;
      continue;
    }
    const sub = positionals === 0 ? cmd.commands.find((c) => c.name() === word || c.aliases().includes(word)) : undefined;
    if (sub) cmd = sub;
    else positionals++;
  }
  let candidates: Candidate[];
  if (valueOf) candidates = await flagValues(valueOf, services, env);
  else if (current.startsWith('--') && current.includes('=')) {
    const [flag = '', partial = ''] = current.split(/=(.*)/s);
    const option = findOption(cmd, program, flag);
    candidates = option ? (await flagValues(option, services, env)).map((c) => ({ ...c, value: `${flag}=${c.value}` })) : [];
    return candidates.filter((c) => c.value.startsWith(`${flag}=${partial}`));
  } else if (current.startsWith('-')) candidates = flags(cmd, program, help);
  else {
    const subs = help.visibleCommands(cmd).filter((c) => c.name() !== 'help');
    if (subs.length > 0 && positionals === 0) candidates = subs.map((c) => ({ value: c.name(), description: c.description() }));
    else candidates = await argumentValues(cmd, positionals, services, env);
  }
  return candidates.filter((c) => c.value.startsWith(current));
}

/** The command's own flags and the program's (--json, --help), each once. */
function flags(cmd: Command, program: Command, help: Help): Candidate[] {
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const option of [...help.visibleOptions(cmd), ...(cmd === program ? [] : help.visibleOptions(program).filter((o) => o.long === '--engine'))]) {
    const name = option.long ?? option.short;
    if (!name || seen.has(name)) continue;
    seen.add(name);
    out.push({ value: name, description: option.description });
  }
  return out;
}

function findOption(cmd: Command, program: Command, flag: string): Option | undefined {
  for (let c: Command | null = cmd; c; c = c.parent) {
    const option = c.options.find((o) => o.long === flag || o.short === flag);
    if (option) return option;
  }
  return program.options.find((o) => o.long === flag || o.short === flag);
}

async function flagValues(option: Option, services: AppServices, env: NodeJS.ProcessEnv): Promise<Candidate[]> {
  const listed = option.argChoices ?? (option.parseArg as { choices?: readonly string[] } | undefined)?.choices;
  if (listed) return listed.map((value) => ({ value }));
  const provider = option.long ? FLAG_VALUES[option.long] : undefined;
  return provider ? lookup(provider, services, env) : [];
}

async function argumentValues(cmd: Command, index: number, services: AppServices, env: NodeJS.ProcessEnv): Promise<Candidate[]> {
  const argument = cmd.registeredArguments[index];
  if (!argument) return [];
  const listed = argument.argChoices ?? (argument.parseArg as { choices?: readonly string[] } | undefined)?.choices;
  if (listed) return listed.map((value) => ({ value }));
  const path: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) path.unshift(c.name());
  const provider = ARGUMENTS[`${path.join(' ')} <${argument.name()}>`];
  return provider ? lookup(provider, services, env) : [];
}

/** A provider's answer, or nothing when it fails or takes longer than LOOKUP_MS. */
async function lookup(provider: Provider, services: AppServices, _env: NodeJS.ProcessEnv): Promise<Candidate[]> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Candidate[]>((resolve) => {
    timer = setTimeout(() => resolve([]), LOOKUP_MS);
  });
  try {
    return await Promise.race([provider(services).catch(() => []), late]);
  } finally {
    clearTimeout(timer);
  }
}

function oneLine(text: string): string {
  return text.replace(/[\t\n\r]+/g, ' ');
}

export function script(shell: Shell): string {
  if (shell === 'bash') return BASH;
  if (shell === 'zsh') return ZSH;
  return FISH;
}

// The words are re-split from the line up to the cursor on blanks only, so `redis:7` and `host:5000/app` stay one
// word (bash's COMP_WORDS splits at `:`); what bash then replaces is the part after the last `:`, so that prefix is
// taken off each candidate (as bash-completion's __ltrim_colon_completions does).
const BASH = `# stevedore completion for bash. Load it with: source <(stevedore completion bash)
_stevedore() {
  local line=\${COMP_LINE:0:COMP_POINT}
  local -a words
  read -ra words <<< "$line"
  [[ $line =~ [[:space:]]$ ]] && words+=("")
  local cur=\${words[\${#words[@]}-1]}
  local IFS=$'\\n'
  COMPREPLY=($(stevedore __complete "\${words[@]:1}" 2>/dev/null | cut -f1))
  local prefix=""
  [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]] && prefix=\${cur%"\${cur##*:}"}
  local i
  for i in "\${!COMPREPLY[@]}"; do
    COMPREPLY[i]=\${COMPREPLY[i]#"$prefix"}
    COMPREPLY[i]=\${COMPREPLY[i]// /\\\\ }
  done
}
complete -o nosort -F _stevedore stevedore 2>/dev/null || complete -F _stevedore stevedore
`;

const ZSH = `#compdef stevedore
# stevedore completion for zsh. Load it with: source <(stevedore completion zsh) (after compinit),
# or save it as _stevedore in a folder of your $fpath.
_stevedore() {
  local -a lines specs
  local line value
  lines=("\${(@f)$(stevedore __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  for line in "\${lines[@]}"; do
    [[ -z $line ]] && continue
    value=\${line%%$'\\t'*}
    if [[ $line == *$'\\t'* ]]; then
      specs+=("\${value//:/\\\\:}:\${line#*$'\\t'}")
    else
      specs+=("\${value//:/\\\\:}")
    fi
  done
  (( \${#specs} )) && _describe -V stevedore specs
}
if (( $+functions[compdef] )); then
  compdef _stevedore stevedore
fi
`;

const FISH = `# stevedore completion for fish. Load it with: stevedore completion fish | source
function __stevedore_complete
    set -l words (commandline -opc) (commandline -ct)
    stevedore __complete $words[2..-1] 2>/dev/null
end
complete -c stevedore -f -a '(__stevedore_complete)'
`;
