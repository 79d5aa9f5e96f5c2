// docker's client config ($DOCKER_CONFIG/config.json, as `docker login` leaves it): readable, and every
// credential helper it names (`credsStore`, `credHelpers`) runnable. A helper is run with `list`, which
// answers server URLs and user names only; nothing it prints is shown.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sanitizeLine } from '../../domain/sanitize';
import { fail, pass, type Check } from './types';

export interface DockerConfigSummary {
  path: string;
  logins: number;
  /** Helper name → the registries it is for (`*` for credsStore). */
  helpers: Map<string, string[]>;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
}

export async function checkDockerConfig(env: NodeJS.ProcessEnv, timeoutMs = 5000): Promise<Check[]> {
  const path = dockerConfigPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [pass('docker-config', 'docker config', `${path} does not exist (no \`docker login\`): registries use the credentials saved in stevedore`)];
    return [fail('docker-config', 'docker config', `${path} cannot be read (${code ?? 'error'})`, `make it readable by you: sudo chown "$USER" ${path}`)];
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return [fail('docker-config', 'docker config', `${path} is not valid JSON: its logins are ignored`, `fix or remove it, then \`docker login\` again`)];
  }
  const summary = summarize(path, raw);
  const names = [...summary.helpers.keys()];
  const checks: Check[] = [
    pass('docker-config', 'docker config', `${path}: ${summary.logins} saved login${summary.logins === 1 ? '' : 's'}${names.length > 0 ? `, credential helper${names.length === 1 ? '' : 's'} ${names.join(', ')}` : ''}`),
  ];
  const results = await Promise.all(names.map((name) => checkHelper(name, summary.helpers.get(name) ?? [], env, timeoutMs)));
  checks.push(...results);
  return checks;
}

function summarize(path: string, raw: unknown): DockerConfigSummary {
  const record = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const helpers = new Map<string, string[]>();
  const add = (name: unknown, what: string): void => {
    if (typeof name !== 'string' || !name) return;
    helpers.set(name, [...(helpers.get(name) ?? []), what]);
  };
  add(record.credsStore, '*');
  if (record.credHelpers && typeof record.credHelpers === 'object') {
    for (const [host, name] of Object.entries(record.credHelpers as Record<string, unknown>)) add(name, host);
  }
  const logins = record.auths && typeof record.auths === 'object' ? Object.keys(record.auths).length : 0;
  return { path, logins, helpers };
}

async function checkHelper(name: string, forWhat: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Check> {
  const id = `credential-helper.${name}`;
  const title = 'credential helper';
  const program = `docker-credential-${name}`;
  const hosts = forWhat.filter((h) => h !== '*').map((h) => sanitizeLine(h));
  const role = [forWhat.includes('*') ? 'credsStore: every registry' : '', hosts.length > 0 ? `credHelpers: ${hosts.join(', ')}` : ''].filter(Boolean).join('; ');
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return fail(id, title, `"${sanitizeLine(name)}" (${role}) is not a helper name`, "fix credsStore / credHelpers in docker's config.json");
  // What a helper prints (even on stderr) is never shown: it is the one program here that holds secrets.
  const result = await new Promise<{ ok: true } | { ok: false; why: string; missing: boolean }>((resolve) => {
    const child = execFile(program, ['list'], { timeout: timeoutMs, env, maxBuffer: 1 << 20 }, (error) => {
      if (!error) return resolve({ ok: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return resolve({ ok: false, why: 'is not on PATH', missing: true });
      if (code === 'EACCES') return resolve({ ok: false, why: 'is not executable', missing: false });
      if (error.killed) return resolve({ ok: false, why: `did not answer \`list\` in ${Math.round(timeoutMs / 1000)} s`, missing: false });
      resolve({ ok: false, why: `fails: \`${program} list\` exits ${typeof code === 'number' ? code : 'with an error'}`, missing: false });
    });
    child.stdin?.end();
  });
  if (result.ok) return pass(id, title, `${program} runs (${role})`);
  const fix = result.missing
    ? `install ${program}, or remove "${name}" from docker's config.json`
    : `run \`${program} list\` to see why (a locked keyring, \`pass init\` not done, ...), or remove "${name}" from docker's config.json`;
  return fail(id, title, `${program} (${role}) ${result.why}: the logins it keeps cannot be read`, fix);
}
