#!/usr/bin/env node
// Composition root: reads argv and the environment, builds the stores, clients and services
// (lazily: a command loads only what it uses), then runs one command or opens the TUI.
// This is the only file that names concrete classes. Over 300 lines because every service is wired here, in
// marked blocks (settings, engine, LXC, updates), each loaded only when a command asks for it.
import nodeModule from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandContext } from './commands/context';
import type { Io } from './commands/output';
import type { HelpIndex, Register } from './commands/program';
import { selfCommand, singleFile, versionInfo, versionText } from './commands/version';
import type { AppServices } from './services/index';
import type { RegistryProbe } from './services/registries';

const DEFAULT_HUB_REGISTRY = 'https://registry-1.docker.io';
/** The shipped catalog and other assets, beside dist/ (or src/ when run from source); the single file carries them. */
const assetsDir = singleFile ? '' : fileURLToPath(new URL('../assets/', import.meta.url));

export function createServices(env: NodeJS.ProcessEnv, warn: (message: string) => void, options: { engine?: string | null; oneShot?: boolean } = {}): AppServices {
  const once = <T,>(make: () => Promise<T>): (() => Promise<T>) => {
    let value: Promise<T> | undefined;
    return () => (value ??= make());
  };
  // The settings and registries, and the engine side, as two modules (cli-config.ts, cli-local.ts).
  const config = once(() => import('./cli-config'));
  const local = once(() => import('./cli-local'));
  const dir = once(async () => (await config()).configDir(env));
  const registryStore = once(async () => new (await config()).RegistryStore(await dir(), warn));
  const settingsStore = once(async () => new (await config()).SettingsStore(await dir(), warn));
  const credentials = once(async () => new (await config()).CredentialResolver(await registryStore(), { env, warn }));

  // What the registry side (remote services, update checks) is built from.
  const remoteDeps = once(async () => {
    if (options.oneShot) {
      // A one-shot command parses a few registry answers with undici's WebAssembly HTTP parser; V8 would
      // then recompile that parser in the background and make the exit wait for it (~90 ms on Node 20, ~45 ms on
      // Node 24 and in the single file). Baseline code is plenty for a few answers. Node 20 and 22 take
      // --liftoff-only at run time; Node 24 ignores it there but honours a tiering budget never reached.
      // (Not for the app: Ink's layout engine is WebAssembly too.)
      // Set here, before undici loads, so that commands that never reach a registry do not load node:v8.
      process.getBuiltinModule('node:v8').setFlagsFromString('--liftoff-only --wasm-tiering-budget=2000000000');
    }
    const [store, registries, settings] = await Promise.all([registryStore(), services.registries(), services.settings()]);
    let resolver: Awaited<ReturnType<typeof credentials>> | undefined;
    const deps: import('./services/remote/index').RemoteDeps = {
      env,
      settings: () => settings.all(),
      registries,
      registryStore: store,
      credentials: {
        resolve: async (query) => (resolver ??= await credentials()).resolve(query),
        // (Asked only after a resolve, so the resolver is there.)
        problem: (host) => resolver?.problem(host),
      },
      installed: async () => (await services.engine()).installedIndex(),
      downloading: async () => (await services.engine()).downloadingIndex(),
      enginePlatform: async () => (await services.engine()).enginePlatform(),
      localUsage: async () => (await services.engine()).localUsage(),
      // The selected catalog's LXC entries (issue 14b): LXD's aliases and LXC downloads, asked only when shown.
      lxcMarks: async () => {
        const [{ loadLxcCatalogMarks }, lxc] = await Promise.all([import('./services/lxc/index'), services.lxc()]);
        return loadLxcCatalogMarks(lxc, async () => (await services.engine()).downloads.list());
      },
      assetsDir,
      ...(singleFile ? { shippedCatalog: () => process.getBuiltinModule('node:sea').getAsset('catalog.json', 'utf8') } : {}),
      warn,
    };
    return deps;
  });

  const perEngine = new Map<string, ReturnType<AppServices['engine']>>();
  const services: AppServices = {
    settings: once(async () => new (await config()).SettingsService(await settingsStore())),
    registries: once(async () => {
      const { RegistryService } = await config();
      // Ping and certificate pinning come from the registry clients, loaded only when asked for.
      const probe = {
        ping: async (url: string, options: Parameters<RegistryProbe['ping']>[1]) => (await services.remote()).probe.ping(url, options),
        certificateFingerprint: async (url: string) => (await services.remote()).probe.certificateFingerprint(url),
        login: async (url: string, options: Parameters<NonNullable<RegistryProbe['login']>>[1]) => {
          const login = (await services.remote()).probe.login;
          return login ? login(url, options) : 'open';
        },
      };
      return new RegistryService(await registryStore(), env.STEVEDORE_HUB_REGISTRY || DEFAULT_HUB_REGISTRY, probe, warn);
    }),
    remote: once(async () => {
      const [{ createRemoteServices }, deps] = await Promise.all([import('./services/remote/index'), remoteDeps()]);
      return createRemoteServices(deps);
    }),
    // --- update checks (issue 12): the registry side is built from the same deps, loaded only when a check asks ---
    updates: once(async () => {
      const { createUpdateServices, UpdatesStore, PreviousStore, systemClock } = await local();
      return createUpdateServices({
        remoteDeps,
        engine: () => services.engine(),
        store: once(async () => new UpdatesStore(await dir(), warn)),
        previousStore: once(async () => new PreviousStore(await dir(), warn)),
        settings: async () => (await services.settings()).all(),
        clock: systemClock,
      });
    }),
    // --- end update checks ---
    // --- watch and notifiers (issue 22): notifiers.json and watch.json, loaded only by watch/notify/serve --watch ---
    notify: once(async () => {
      const [{ createNotifyServices }, { NotifierStore }, { WatchStore }, configDir] = await Promise.all([
        import('./services/notify/index'),
        import('./store/notifierStore'),
        import('./store/watchStore'),
        dir(),
      ]);
      return createNotifyServices({
        env,
        store: () => new NotifierStore(configDir, warn),
        settings: async () => (await services.settings()).all(),
        onRemoved: (name) => new WatchStore(configDir, warn).forget(name),
      });
    }),
    watch: once(async () => {
      const [{ createWatchServices }, { WatchStore }, { systemClock }, configDir] = await Promise.all([
        import('./services/updates/watch'),
        import('./store/watchStore'),
        import('./services/clock'),
        dir(),
      ]);
      return createWatchServices({ updates: () => services.updates(), notify: () => services.notify(), store: async () => new WatchStore(configDir, warn), clock: systemClock });
    }),
    // --- end watch and notifiers ---
    // --- engine wiring (issues 4, 13): the engine client loads only when the engine is used; one set of
    // engine services per engine, so switching engines in the app keeps the other's downloads going ---
    engines: once(async () => {
      const [{ EngineCatalog, EngineStore }, configDir] = await Promise.all([local(), dir()]);
      let store: InstanceType<typeof EngineStore> | undefined;
      return new EngineCatalog({ env, store: () => (store ??= new EngineStore(configDir, warn)), override: options.engine ?? null });
    }),
    engine: async () => services.engineFor((await services.engines()).activeName()),
    engineFor: async (name) => {
      const catalog = await services.engines();
      let made = perEngine.get(name);
      if (!made) {
        made = (async () => {
          const [{ createEngineServices }, configDir] = await Promise.all([local(), dir()]);
          return createEngineServices({
            env,
            configDir,
            settings: async () => (await services.settings()).all(),
            credentials: { resolve: async (query) => (await credentials()).resolve(query) },
            registries: () => services.registries(),
            warn,
            // The single file is its own program: no script argument (its argv[1] is the name it was started by).
            workerCommand: selfCommand('__worker'),
            catalog,
            engine: name,
            // Images kept for `image rollback` (issue 22) are never pruned before their time (issue 23).
            kept: async () => (await services.updates()).keptImageIds(),
          });
        })();
        perEngine.set(name, made);
      }
      return made;
    },
    // --- end engine wiring ---
    // --- LXC wiring (issue 14): LXD's socket and simplestreams servers, loaded only for --type lxc ---
    lxc: once(async () => {
      const [{ createLxcServices }, { LxdServerStore }, configDir] = await Promise.all([import('./services/lxc/index'), import('./store/lxdServerStore'), dir()]);
      const store = new LxdServerStore(configDir, warn);
      return createLxcServices({ env, settings: async () => (await services.settings()).all(), servers: () => store });
    }),
    // (A stat or two: the app asks it before its first frame, and most hosts have no LXD. Loaded when asked: the
    // commands never do.)
    lxcPresent: async () => (await import('./clients/lxd/socket')).findSocket(env).path !== null,
    // --- end LXC wiring ---
  };
  return services;
}


/** The value of `--name VALUE` / `--name=VALUE` before a `--`, or null. */
function optionValue(argv: string[], name: string): string | null {
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  for (let i = 0; i < end; i++) {
    const a = argv[i] ?? '';
    if (a === name) return argv[i + 1] ?? null;
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
  }
  return null;
}

/** Each noun's module, loaded only when a noun is asked for (all but doctor in one module: cli-nouns.ts). */
function nounModules(): Record<string, () => Promise<Register>> {
  const nouns = () => import('./cli-nouns');
  return {
    image: async () => {
      const { registerImage, registerImageDownloads, registerImageUpdates } = await import('./cli-image');
      return (p, c) => {
        const image = registerImage(p, c);
        registerImageDownloads(image, c);
        registerImageUpdates(image, c);
      };
    },
    registry: async () => (await nouns()).registerRegistry,
    repo: async () => (await nouns()).registerRepo,
    config: async () => (await nouns()).registerConfig,
    'lxd-server': async () => (await nouns()).registerLxdServer,
    engine: async () => (await nouns()).registerEngine,
    serve: async () => (await nouns()).registerServe,
    doctor: async () => (await import('./commands/doctor')).registerDoctor,
    watch: async () => (await nouns()).registerWatch,
    notify: async () => (await nouns()).registerNotify,
    completion: async () => (await nouns()).registerCompletion,
  };
}

/** The nouns' help (scripts/help-index.mjs puts it into the bundles; absent when run from source). */
declare const __STEVEDORE_HELP_INDEX__: HelpIndex | undefined;
const builtHelpIndex = typeof __STEVEDORE_HELP_INDEX__ === 'undefined' ? undefined : __STEVEDORE_HELP_INDEX__;

/**
 * `stevedore --help` at 80 columns (stdout is not a terminal, or one 80 wide) and `--version`: the build wrote
 * the help down (help index: commander's own text, a test holds them equal), so neither commander, the output
 * helpers nor any noun needs to load. Null for anything else.
 */
function quickAnswer(argv: string[], io: Io): string | null {
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h') && builtHelpIndex && (io.stdout.columns ?? 80) === 80) return builtHelpIndex.help80;
  if (argv.includes('--version') && argv.every((a) => a === '--version' || a === '--json') && argv.length <= 2) return `${versionText(versionInfo(), argv.includes('--json'))}\n`;
  return null;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const quick = quickAnswer(argv, io);
  if (quick !== null) {
    io.stdout.write(quick);
    return 0;
  }
  // `stevedore` alone, or with the engine only (`stevedore --engine nas`, as `docker --context nas`): the app.
  const engineOnly = argv.length <= 2 && argv[0]?.startsWith('--engine') === true && optionValue(argv, '--engine') !== null && (argv.length === 2) === (argv[0] === '--engine');
  const appOnly = argv.length === 0 || engineOnly;
  // (Loaded here, not with this module: the quick answers above need neither.)
  const [{ EXIT, Warnings, reportError }, { buildProgram, helpIndexOf, helpStubs, nounOf, runProgram }] = await Promise.all([import('./commands/output'), import('./commands/program')]);
  const json = argv.includes('--json') && argv.indexOf('--json') < (argv.includes('--') ? argv.indexOf('--') : Infinity);
  const warnings = new Warnings(json ? undefined : (line) => io.stderr.write(`warning: ${line}\n`));
  const ctx: CommandContext = {
    io,
    json,
    warnings,
    // `--engine NAME` is a global option (program.ts): read here already, as the services are built before parsing.
    services: createServices(io.env, warnings.add, { engine: optionValue(argv, '--engine'), oneShot: !appOnly }),
    setExitCode: () => undefined,
  };
  // --- hidden download worker (issue 4): `stevedore __worker`, started detached by the engine services ---
  if (argv[0] === '__worker') return (await ctx.services.engine()).runWorker();
  // --- end hidden download worker ---
  const nouns = nounModules();
  const allNouns = () => Promise.all(Object.values(nouns).map((n) => n()));
  // The build's own question (scripts/help-index.mjs): what the program's help shows of each noun.
  if (argv[0] === '__help-index') {
    io.stdout.write(`${JSON.stringify(helpIndexOf(buildProgram(ctx, await allNouns())))}\n`);
    return EXIT.ok;
  }
  // --- shell completion (issue 16): `stevedore __complete WORD… CURRENT`, called by the completion scripts ---
  if (argv[0] === '__complete') {
    const [{ runComplete }, registers] = await Promise.all([import('./commands/completion'), allNouns()]);
    return runComplete(buildProgram(ctx, registers), ctx, argv.slice(1));
  }
  // --- end shell completion ---
  if (appOnly) {
    const stdin = process.stdin;
    const stdout = process.stdout;
    if (io.stdin === stdin && io.stdout === stdout && stdin.isTTY && stdout.isTTY) {
      // An engine that does not exist is one line and exit 1, not an app that fails on every screen.
      if (engineOnly) {
        try {
          (await ctx.services.engines()).find(optionValue(argv, '--engine') ?? '');
        } catch (error) {
          return reportError(io, false, error);
        }
      }
      // The app needs none of the commands' modules: the engine is asked before anything else loads.
      // Ask the engine for the local images while Ink loads: the first frame shows them sooner.
      const engine = ctx.services.engine();
      const prefetch = { local: engine.then((e) => e.images.listLocal()), engineInfo: engine.then((e) => e.info({ diskUsage: true })) };
      prefetch.local.catch(() => undefined);
      prefetch.engineInfo.catch(() => undefined);
      // Ink draws nothing until exit when it thinks it runs in CI (CI=true…), but both ends are a
      // terminal here: a person is looking. Ink reads the variables when it loads, just below.
      delete process.env.CI;
      delete process.env.CONTINUOUS_INTEGRATION;
      // The single file's snapshot holds Ink already loaded: what Ink's libraries decide when they load (colours,
      // symbols) is decided here instead, and its layout engine starts compiling (scripts/bin-refresh.mjs).
      (globalThis as Record<symbol, (() => void) | undefined>)[Symbol.for('stevedore.beforeApp')]?.();
      const { runTui } = await import('./app/tui');
      return runTui(ctx.services, { stdin, stdout, stderr: process.stderr, env: io.env }, warnings, prefetch);
    }
  }
  // Only the noun asked for is loaded. Without one (--help, --version, no arguments) or with one that does not
  // exist, the program needs only the nouns' names and descriptions: stand-ins from the build's help index
  // (every noun's module when run from source).
  const noun = nounOf(argv);
  const load = noun !== null && Object.hasOwn(nouns, noun) ? nouns[noun] : undefined;
  const registers = load ? [await load()] : builtHelpIndex ? [helpStubs(builtHelpIndex)] : await allNouns();
  const program = buildProgram(ctx, registers);
  if (appOnly) {
    // The TUI needs a terminal on both ends; without one, say how to use the commands.
    io.stderr.write(program.helpInformation());
    return EXIT.usage;
  }
  return runProgram(program, ctx, argv);
}

/** Runs stevedore with this process's argv and exits with its code. */
export function start(): void {
  // Node 22.1+ keeps the compiled code of the chunks on disk, so later starts skip most of the compile
  // (Node 20 has no such cache: a no-op there). The single file has no chunks: its code is in its snapshot.
  const enableCompileCache = (nodeModule as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
  try {
    if (!singleFile) enableCompileCache?.(join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'stevedore', 'v8'));
  } catch {
    // a read-only home: run without the cache
  }
  // (stdin is made when asked for: most commands never read it, and making it costs ~0.5 ms.)
  const io: Io = {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  };
  void main(process.argv.slice(2), io).then((code) => {
    // Let stdout drain before exiting (pipes are asynchronous), then exit even if sockets linger.
    process.stdout.write('', () => process.exit(code));
  });
}

// The single file calls start() from its snapshot's main function (src/single-file.ts).
if (!singleFile) start();
