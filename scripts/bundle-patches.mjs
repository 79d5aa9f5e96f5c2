// Small, exact source patches applied while bundling, each with the reason it exists. A patch whose
// text is no longer found fails the build, so an upgrade never silently drops or misapplies one.
import { readFile } from 'node:fs/promises';

/**
 * Characters that are a grapheme of their own, with no control, combining, format or variation character, no
 * surrogate and no CJK among them: Latin, Greek, Cyrillic, punctuation, arrows, box drawing, blocks, shapes,
 * dingbats, braille (every glyph the app draws, and `—`, `…`, `·`). For them, measuring and segmenting text is a
 * loop over its characters (see the string-width and ansi-tokenize patches). `c` is a UTF-16 code unit.
 */
const SIMPLE_CHAR =
  '(c >= 0xa0 && c <= 0x2ff && c !== 0xad) || (c >= 0x370 && c <= 0x482) || (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205e) || (c >= 0x2070 && c <= 0x20cf) || (c >= 0x2100 && c <= 0x23ff) || (c >= 0x2460 && c <= 0x27bf) || (c >= 0x2800 && c <= 0x28ff) || (c >= 0x2b00 && c <= 0x2bff)';

/** The width of `text` when it has only printable ASCII and SIMPLE_CHAR characters, else -1 (set into string-width). */
const SIMPLE_WIDTH = `function simpleWidth(text, ambiguousAsWide) {
	let width = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c >= 0x20 && c <= 0x7e) width += 1;
		else if (${SIMPLE_CHAR}) width += eastAsianWidth(c, {ambiguousAsWide});
		else return -1;
	}
	return width;
}`;

/**
 * Each character of `text` as a segment when each is a grapheme of its own, else null: what Intl.Segmenter's
 * segment() answers (iterable, and containing(index)), without the segmenter.
 */
const SIMPLE_SEGMENTS = `function simpleSegments(text) {
	const segments = [];
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (!((c < 0x7f && c !== 0x0d) || ${SIMPLE_CHAR})) return null;
		segments.push({segment: text[i], index: i, input: text});
	}
	segments.containing = (index) => segments[index];
	return segments;
}`;

const PATCHES = [
  {
    // Ink 6.8's incremental renderer (log-update.js, createIncremental) moves the cursor up one line
    // too few when the previous frame ended with a newline (every frame that does not fill the
    // terminal): the cursor sits BELOW the last line, so `cursorUp(previousVisible - 1)` lands on line
    // 1, not 0, and each changed line is written one row too low (seen in tmux as duplicated header
    // and status lines).
    file: /[\\/]ink[\\/]build[\\/]log-update\.js$/,
    find: 'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));',
    replace: "buffer.push(ansiEscapes.cursorUp(previousOutput.endsWith('\\n') ? previousVisible : previousVisible - 1));",
  },
  {
    // string-width (every copy), slice-ansi and ansi-tokenize (Ink's) build an Intl.Segmenter when they are
    // imported, which costs ~11 ms (ICU data) on every start, also for `stevedore --help`, which never measures
    // a string; and a segmenter holds native ICU state, which the single file's startup snapshot cannot hold
    // (scripts/build-bin.mjs). Build each on first use.
    file: /[\\/]string-width[\\/]index\.js$/,
    find: 'const segmenter = new Intl.Segmenter();',
    replace: 'let realSegmenter;\nconst segmenter = { segment: (text) => (realSegmenter ??= new Intl.Segmenter()).segment(text) };',
  },
  {
    file: /[\\/]slice-ansi[\\/]tokenize-ansi\.js$/,
    find: "const GRAPHEME_SEGMENTER = new Intl.Segmenter(undefined, {granularity: 'grapheme'});",
    // Ink cuts lines to its clip region with slice-ansi: text of simple characters is split without the segmenter.
    replace: `let realSegmenter;\n${SIMPLE_SEGMENTS}\nconst GRAPHEME_SEGMENTER = { segment: (text) => simpleSegments(text) ?? (realSegmenter ??= new Intl.Segmenter(undefined, {granularity: 'grapheme'})).segment(text) };`,
  },
  {
    file: /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize\.js$/,
    find: 'const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });',
    // Ink tokenizes every line of every frame: text of simple characters is split without the segmenter.
    replace: `let realSegmenter;\n${SIMPLE_SEGMENTS}\nconst segmenter = { segment: (text) => simpleSegments(text) ?? (realSegmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" })).segment(text) };`,
  },
  {
    // Text of printable ASCII and SIMPLE_CHAR characters is measured character by character (East Asian Width),
    // with no grapheme segmentation and no Unicode-property regexps. string-width 8 (Ink's) compiles those
    // regexps on the first string that is not plain ASCII (~12 ms at every start of the app: a snapshot does
    // not keep compiled regexps) and segments every such string; Ink measures every line it lays out, and the
    // depot list every cell of 2,000 rows (`—` while UNIQUE is not known). Both copies: 7 (stevedore's), 8 (Ink's).
    file: /[\\/]string-width[\\/]index\.js$/,
    find: "import {eastAsianWidth} from 'get-east-asian-width';\n",
    replace: `import {eastAsianWidth} from 'get-east-asian-width';\n${SIMPLE_WIDTH}\n`,
  },
  {
    file: /[\\/]string-width[\\/]index\.js$/,
    only: (path) => !/node_modules[\\/].*node_modules[\\/]/.test(path),
    find: "\tif (typeof string !== 'string' || string.length === 0) {\n\t\treturn 0;\n\t}\n",
    replace: "\tif (typeof string !== 'string' || string.length === 0) {\n\t\treturn 0;\n\t}\n\t{\n\t\tconst simple = simpleWidth(string, options.ambiguousIsNarrow === false);\n\t\tif (simple >= 0) return simple;\n\t}\n",
  },
  {
    file: /[\\/]string-width[\\/]index\.js$/,
    only: (path) => /node_modules[\\/].*node_modules[\\/]/.test(path),
    // (8 strips styles first: Ink measures styled text.)
    find: "\tif (/^[\\u0020-\\u007E]*$/.test(string)) {\n\t\treturn string.length;\n\t}\n",
    replace: "\tif (/^[\\u0020-\\u007E]*$/.test(string)) {\n\t\treturn string.length;\n\t}\n\t{\n\t\tconst simple = simpleWidth(string, !ambiguousIsNarrow);\n\t\tif (simple >= 0) return simple;\n\t}\n",
  },
  {
    // Ink waits at import time (top-level await) for its devtools bridge when DEV=true. The bridge is the
    // empty module in these bundles (esbuild-common.mjs), so there is nothing to wait for; without the await,
    // Ink also bundles as CommonJS (the single-file build: scripts/build-bin.mjs).
    file: /[\\/]ink[\\/]build[\\/]reconciler\.js$/,
    find: "        await import('./devtools.js');",
    replace: "        void import('./devtools.js');",
  },
  {
    // The same file reads Ink's own package.json with a top-level await, for the devtools bridge only
    // (its renderer name and version): not there in these bundles, so there is nothing to read.
    file: /[\\/]ink[\\/]build[\\/]reconciler\.js$/,
    find: 'const packageJson = isDev()\n    ? await loadPackageJson()\n    : { name: undefined, version: undefined };',
    replace: 'const packageJson = { name: undefined, version: undefined };',
  },
  {
    // yoga-layout (Ink's layout engine) hands the instantiate hook the wasm binary it carries as a data: URL
    // (see the next patch).
    file: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/,
    find: 'if(h.instantiateWasm)try{return h.instantiateWasm(d,\na)}',
    replace: 'if(h.instantiateWasm)try{return h.instantiateWasm(d,\na,H)}',
  },
  {
    // yoga-layout loads its WebAssembly with a top-level await when it is imported: on Node through fetch() of a
    // data: URL, which loads Node's own fetch (its bundled undici, ~10 ms) at every start of the app. Here the
    // module is compiled in the background (WebAssembly.compile, off the main thread) as soon as this module
    // loads, and instantiated synchronously on first use (Ink's first layout), from that compiled module when
    // it is ready, else compiled there and then. No top-level await (so the module bundles as CommonJS too), no
    // fetch. In the single file's startup snapshot WebAssembly does not exist at build time (scripts/build-
    // bin.mjs), so nothing of it is made when the module loads: there the compile starts when the app starts
    // (scripts/bin-refresh.mjs calls globalThis[Symbol.for('stevedore.prepareYoga')]). Emscripten's instantiateWasm hook
    // instantiates and hands the instance back; the runtime then initialises synchronously.
    file: /[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/,
    find: 'const Yoga = wrapAssembly(await loadYoga());',
    replace: `let yoga;
let yogaBytes;
let compiled;
let compiling;
const wasmBytes = (dataUrl) => (yogaBytes ??= Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
function prepareYoga() {
  if (compiling || typeof WebAssembly !== 'object') return;
  loadYoga({ instantiateWasm(imports, receive, dataUrl) {
    compiling = WebAssembly.compile(wasmBytes(dataUrl)).then((module) => (compiled = module), () => undefined);
    return {};
  } });
}
globalThis[Symbol.for('stevedore.prepareYoga')] = prepareYoga;
prepareYoga();
function loadYogaNow() {
  const yogaModule = {
    instantiateWasm(imports, receive, dataUrl) {
      const instance = new WebAssembly.Instance(compiled ?? new WebAssembly.Module(wasmBytes(dataUrl)), imports);
      receive(instance);
      return instance.exports;
    },
  };
  loadYoga(yogaModule);
  if (!yogaModule.calledRun) throw new Error('yoga-layout did not initialise synchronously');
  return wrapAssembly(yogaModule);
}
const Yoga = new Proxy({}, { get: (_, key) => (yoga ??= loadYogaNow())[key] });`,
  },
  {
    // undici keeps node:http's IncomingMessage from the moment it loads, to recognise Node's own response
    // streams; read when asked instead, so that loading undici does not load node:http (which a startup
    // snapshot cannot hold: scripts/build-bin.mjs).
    file: /[\\/]undici[\\/]lib[\\/]core[\\/]util\.js$/,
    find: "const { IncomingMessage } = require('node:http')",
    replace: "const nodeHttp = require('node:http')",
  },
  {
    file: /[\\/]undici[\\/]lib[\\/]core[\\/]util\.js$/,
    find: 'Object.getPrototypeOf(stream).constructor === IncomingMessage',
    replace: 'Object.getPrototypeOf(stream).constructor === nodeHttp.IncomingMessage',
  },
  {
    // The same for the default maxHeaderSize of a Client: node:http's, read when a Client is made.
    file: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/,
    find: `const getDefaultNodeMaxHeaderSize = http &&
  http.maxHeaderSize &&
  Number.isInteger(http.maxHeaderSize) &&
  http.maxHeaderSize > 0
  ? () => http.maxHeaderSize
  : () => { throw new InvalidArgumentError('http module not available or http.maxHeaderSize invalid') }`,
    replace: `const getDefaultNodeMaxHeaderSize = () => {
  if (http && Number.isInteger(http.maxHeaderSize) && http.maxHeaderSize > 0) return http.maxHeaderSize
  throw new InvalidArgumentError('http module not available or http.maxHeaderSize invalid')
}`,
  },
  {
    // when-exit (conf -> atomically) hooks process exit and 20 signals when it is imported, and atomically
    // registers its temp-file cleanup with it then. Signal handlers are native handles, which a V8 startup
    // snapshot cannot hold, and setting 20 of them costs ~2 ms at every start of the single file (scripts/build-
    // bin.mjs), which loads every module. There, when-exit hooks when the first callback is registered, and
    // atomically registers when it makes its first temp file (next patch): the signals are hooked when there is
    // something to clean up. (__STEVEDORE_SINGLE_FILE__ is defined in the single file's bundle only: the npm
    // bundle is unchanged.)
    file: /[\\/]when-exit[\\/]dist[\\/]node[\\/]interceptor\.js$/,
    find: '        this.hook();\n    }\n}',
    replace:
      "        if (typeof __STEVEDORE_SINGLE_FILE__ !== 'undefined') {\n            const register = this.register;\n            let hooked = false;\n            this.register = (callback) => {\n                if (!hooked) {\n                    hooked = true;\n                    this.hook();\n                }\n                return register(callback);\n            };\n        }\n        else this.hook();\n    }\n}",
  },
  {
    file: /[\\/]atomically[\\/]dist[\\/]utils[\\/]temp\.js$/,
    find: 'whenExit(Temp.purgeSyncAll); // Ensuring purgeable temp files are purged on exit',
    replace:
      "if (typeof __STEVEDORE_SINGLE_FILE__ === 'undefined') whenExit(Temp.purgeSyncAll); // Ensuring purgeable temp files are purged on exit\nelse {\n    const get = Temp.get;\n    let registered = false;\n    Temp.get = (...args) => {\n        if (!registered) {\n            registered = true;\n            whenExit(Temp.purgeSyncAll);\n        }\n        return get(...args);\n    };\n}",
  },
];

export const bundlePatches = {
  name: 'bundle-patches',
  setup(build) {
    // One loader for all patches: several may apply to one file (esbuild uses the first onLoad).
    const files = new RegExp(PATCHES.map((p) => p.file.source).join('|'));
    build.onLoad({ filter: files }, async (args) => {
      let source = await readFile(args.path, 'utf8');
      for (const patch of PATCHES.filter((p) => p.file.test(args.path) && (!p.only || p.only(args.path)))) {
        if (!source.includes(patch.find)) {
          throw new Error(`${args.path} changed: the bundle patch for it in scripts/bundle-patches.mjs must be reviewed`);
        }
        source = source.replace(patch.find, patch.replace);
      }
      return { contents: source, loader: 'js' };
    });
  },
};
