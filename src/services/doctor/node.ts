// Is this Node new enough for the bundle (package.json `engines`)?
import semver from 'semver';
import { pass, fail, type Check } from './types';

export function checkNode(version: string, range: string, execPath: string): Check {
  if (semver.satisfies(version, range)) return pass('node', 'node', `${version} at ${execPath} (stevedore needs ${range})`);
  return fail('node', 'node', `${version} is too old: stevedore needs ${range}`, 'install Node 22 LTS (or 20.18 or later) from nodejs.org or your distribution, then install stevedore again');
}
