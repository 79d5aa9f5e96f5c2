// `stevedore --version`: the package version, when and from which commit the bundle was built (scripts/build.mjs
// defines __STEVEDORE_BUILD__; run from source there is none), and the Node that runs it. With --json, one object.
// And how to run this program again (selfCommand), which the single file answers differently.
import { resolve } from 'node:path';
import { version } from '../../package.json';

declare const __STEVEDORE_BUILD__: { date: string; commit: string } | undefined;
declare const __STEVEDORE_SINGLE_FILE__: boolean | undefined;
/** Running as the single file (scripts/build-bin.mjs defines the flag as true there; absent elsewhere). */
export const singleFile = typeof __STEVEDORE_SINGLE_FILE__ !== 'undefined' && __STEVEDORE_SINGLE_FILE__;

/**
 * How to run stevedore again (the download worker, the `watch` timer or crontab line): the node that runs this,
 * with its options and the script, then `args`; in the single file (scripts/build-bin.mjs) the file alone: there
 * process.argv[1] is the executable again, and passing it on would make it the first argument.
 */
export function selfCommand(...args: string[]): { execPath: string; args: string[] } {
  const script = process.argv[1];
  return { execPath: process.execPath, args: singleFile ? args : [...process.execArgv, ...(script ? [resolve(script)] : []), ...args] };
}

export interface VersionInfo {
  version: string;
  /** ISO time the bundle was built, or null when running from source. */
  built: string | null;
  /** Short git commit the bundle was built from (`+changes` when the tree had uncommitted edits), or null. */
  commit: string | null;
  node: string;
  platform: string;
}

export function versionInfo(): VersionInfo {
  const build = typeof __STEVEDORE_BUILD__ === 'undefined' ? undefined : __STEVEDORE_BUILD__;
  return {
    version,
    built: build?.date ?? null,
    commit: build?.commit || null,
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
  };
}

/** What `--version` prints (without the final newline). */
export function versionText(info: VersionInfo, json: boolean): string {
  if (json) return JSON.stringify(info);
  const built = info.built ? `${info.built.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')} UTC${info.commit ? ` (commit ${info.commit})` : ''}` : 'from source (not bundled)';
  return [`stevedore ${info.version}`, `built   ${built}`, `node    ${info.node} (${info.platform})`].join('\n');
}
