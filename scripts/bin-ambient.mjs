// The probe of the single-file build (see bin-entry.mjs), preloaded (`node --import`) before the snapshot's
// bundle runs in plain node: records every read of ambient state a module makes while it loads. Whatever a module
// keeps from such a read would be the build machine's value in every copy of the file. Watched: environment
// variables, the command line, the standard streams and whether they are terminals, the user's home, temp dir,
// user, host and cwd, synchronous file reads, process event and signal handlers, timers, objects holding native
// handles (net.BlockList), the clock, randomness, and Intl formatters (they keep the locale and the time zone).
// Each read is reported once per (what, where), with the first stack frames outside Node (source-mapped: run with
// --enable-source-maps). The bundle's entry asks globalThis.stevedoreAmbientReads() for them once every module
// has loaded; the watches end there.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import tty from 'node:tty';

watch();

function watch() {
  const reads = new Map();
  let on = true;
  let busy = false;
  const note = (what) => {
    // (busy: computing the stack maps it through the source map, which reads the cwd itself.)
    if (!on || busy) return;
    busy = true;
    try {
      const { at, via } = caller();
      const key = `${what}\u0000${at}\u0000${via}`;
      if (!reads.has(key)) reads.set(key, { what, module: /\(\/[^()]*?\/(src\/[\w/.-]+?):\d+/.exec(at)?.[1] ?? '', at, via });
    } finally {
      busy = false;
    }
  };
  const undo = [];
  const wrap = (object, name, label = name) => {
    const real = object[name];
    const own = Object.getOwnPropertyDescriptor(object, name);
    if (typeof real !== 'function' || (own && !own.writable)) return;
    // An own property shadows an inherited method (process.on is EventEmitter's) until it is removed again.
    Object.defineProperty(object, name, {
      configurable: true,
      writable: true,
      value: function (...args) {
        note(typeof label === 'function' ? label(...args) : label);
        return Reflect.apply(real, this, args);
      },
    });
    undo.push(() => (own ? Object.defineProperty(object, name, own) : delete object[name]));
  };

  const env = process.env;
  process.env = new Proxy(env, {
    get: (target, key) => (typeof key === 'string' && note(`process.env.${key}`), Reflect.get(target, key)),
    has: (target, key) => (typeof key === 'string' && note(`process.env.${key}`), Reflect.has(target, key)),
    ownKeys: (target) => (note('process.env (all keys)'), Reflect.ownKeys(target)),
  });
  undo.push(() => (process.env = env));
  for (const stream of ['stdin', 'stdout', 'stderr']) {
    const descriptor = Object.getOwnPropertyDescriptor(process, stream);
    Object.defineProperty(process, stream, {
      configurable: true,
      enumerable: descriptor.enumerable,
      get() {
        note(`process.${stream}`);
        return descriptor.get ? descriptor.get.call(process) : descriptor.value;
      },
    });
    undo.push(() => Object.defineProperty(process, stream, descriptor));
  }
  const argv = Object.getOwnPropertyDescriptor(process, 'argv');
  Object.defineProperty(process, 'argv', {
    configurable: true,
    enumerable: argv.enumerable,
    get() {
      note('process.argv');
      return argv.value;
    },
    set(value) {
      argv.value = value;
    },
  });
  undo.push(() => Object.defineProperty(process, 'argv', argv));
  wrap(tty, 'isatty', (fd) => `tty.isatty(${fd})`);
  for (const name of ['homedir', 'tmpdir', 'userInfo', 'hostname', 'cpus', 'totalmem', 'release', 'networkInterfaces']) wrap(os, name, `os.${name}()`);
  wrap(process, 'cwd', 'process.cwd()');
  for (const name of ['readFileSync', 'existsSync', 'statSync', 'lstatSync', 'readdirSync', 'accessSync', 'openSync', 'realpathSync']) {
    wrap(fs, name, (path) => `fs.${name}(${String(path)})`);
  }
  for (const name of ['on', 'once', 'addListener', 'prependListener']) wrap(process, name, (event) => `process.${name}('${String(event)}')`);
  for (const name of ['setTimeout', 'setInterval', 'setImmediate']) wrap(globalThis, name, `${name}()`);
  // Objects that hold a native handle, which a snapshot cannot hold at all.
  for (const name of ['BlockList', 'SocketAddress']) {
    const Real = net[name];
    const Watched = class extends Real {
      constructor(...args) {
        note(`new net.${name}()`);
        super(...args);
      }
    };
    Object.defineProperty(net, name, { configurable: true, writable: true, value: Watched });
    undo.push(() => Object.defineProperty(net, name, { configurable: true, writable: true, value: Real }));
  }
  wrap(Date, 'now', 'Date.now()');
  wrap(Math, 'random', 'Math.random()');
  for (const name of ['randomBytes', 'randomUUID']) wrap(crypto, name, `crypto.${name}()`);
  for (const name of ['DateTimeFormat', 'NumberFormat', 'Collator', 'Segmenter', 'RelativeTimeFormat', 'PluralRules', 'ListFormat']) {
    const Real = Intl[name];
    if (typeof Real !== 'function') continue;
    const Watched = function (...args) {
      note(`new Intl.${name}()`);
      return new Real(...args);
    };
    Watched.prototype = Real.prototype;
    Object.assign(Watched, Real);
    Intl[name] = Watched;
    undo.push(() => (Intl[name] = Real));
  }

  globalThis.stevedoreAmbientReads = () => {
    on = false;
    for (const step of undo.reverse()) step();
    return [...reads.values()];
  };
}

/** The first stack frame outside Node and this file: where in the bundle (source-mapped) the read happened. */
function caller() {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  Error.stackTraceLimit = limit;
  // Not: this file's frames, the entry's, the bundle's runtime helpers (unmapped), built-in functions. Node's own
  // frames are left out too, but the innermost one is named (`via`): the Node module that made the read.
  const frames = stack.filter((line) => !/bin-ambient|bin-entry|\(<anonymous>\)|\(native\)/.test(line) && !/stevedore\.cjs:\d+:/.test(line));
  const via = /\((?:node:)?(internal\/[\w/]+)/.exec(frames.find((line) => line.includes('node:')) ?? '')?.[1];
  const at = frames
    .filter((line) => !line.includes('node:'))
    .slice(0, 3)
    .map((line) => line.trim().replace(/^at (<anonymous> )?/, '').replace(/\/[^ ()]*node_modules\//g, '').replace(`${process.cwd()}/`, ''))
    .join(' < ');
  return { at, via: via ? `node:${via}` : '' };
}
