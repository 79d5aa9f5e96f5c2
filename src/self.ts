// How to run stevedore again (the download worker, the `watch` timer or crontab line): the node that runs this
// with its options and the script, or, in the single file (build-bin.mjs), the file alone: there process.argv[1]
// is the executable again, and passing it on would make it the first argument.
import { resolve } from 'node:path';

declare const __STEVEDORE_SINGLE_FILE__: boolean | undefined;
const singleFile = typeof __STEVEDORE_SINGLE_FILE__ !== 'undefined' && __STEVEDORE_SINGLE_FILE__;

export function selfCommand(...args: string[]): { execPath: string; args: string[] } {
  const script = process.argv[1];
  return { execPath: process.execPath, args: singleFile ? args : [...process.execArgv, ...(script ? [resolve(script)] : []), ...args] };
}
