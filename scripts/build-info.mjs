// What `stevedore --version` prints besides the version: when the bundle was built (SOURCE_DATE_EPOCH when set,
// for reproducible builds) and from which commit (none outside a git checkout). Shared by the npm bundle
// (build.mjs) and the single files (build-bin.mjs).
import { execFileSync } from 'node:child_process';

export function buildInfo(root) {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  const date = new Date(Number.isFinite(epoch) && epoch > 0 ? epoch * 1000 : Date.now()).toISOString();
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (commit && dirty) commit += '+changes';
  } catch {
    // not a git checkout (a source tarball): no commit
  }
  return { date, commit };
}
