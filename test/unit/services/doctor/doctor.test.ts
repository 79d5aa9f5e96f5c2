import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askBracketedPaste } from '../../../../src/commands/doctor';
import { checkDockerConfig } from '../../../../src/services/doctor/dockerConfig';
import { checkNode } from '../../../../src/services/doctor/node';
import { checkSettings } from '../../../../src/services/doctor/settings';
import { checkTerminal, type TerminalFacts } from '../../../../src/services/doctor/terminal';
import type { Check } from '../../../../src/services/doctor/types';
import { tempDir } from '../../helpers';

const byId = (checks: Check[], id: string): Check | undefined => checks.find((c) => c.id === id);
const tty = (env: NodeJS.ProcessEnv, more: Partial<TerminalFacts> = {}): TerminalFacts => ({ env, tty: true, columns: 100, rows: 30, colorDepth: 8, bracketedPaste: 'unknown', ...more });

describe('doctor: node', () => {
  it('passes a Node in the range and names the fix for an old one', () => {
    expect(checkNode('v20.20.2', '>=20.18.1', '/usr/bin/node').status).toBe('pass');
    const old = checkNode('v18.19.0', '>=20.18.1', '/usr/bin/node');
    expect(old.status).toBe('fail');
    expect(old.fix).toContain('Node 22');
  });
});

describe('doctor: terminal', () => {
  it('is all green in a UTF-8 xterm of 100x30 that supports bracketed paste', () => {
    const checks = checkTerminal(tty({ LANG: 'en_US.UTF-8', TERM: 'xterm-256color' }, { bracketedPaste: 'yes' }));
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(byId(checks, 'terminal.colours')?.detail).toBe('256 colours');
  });

  it('fails a small window, LANG=C, a missing or dumb TERM, and a terminal without bracketed paste', () => {
    const checks = checkTerminal(tty({ LANG: 'C' }, { columns: 70, rows: 20, bracketedPaste: 'no' }));
    expect(checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['terminal.size', 'terminal.utf8', 'terminal.term', 'terminal.paste']);
    expect(byId(checks, 'terminal.utf8')?.fix).toContain('LANG=C.UTF-8');
    expect(byId(checks, 'terminal.term')?.fix).toContain('ssh with -t');
    expect(byId(checkTerminal(tty({ LANG: 'C.UTF-8', TERM: 'dumb' }, { colorDepth: 1 })), 'terminal.term')?.detail).toContain('TERM=dumb');
  });

  it('reads the locale as C libraries do (LC_ALL, then LC_CTYPE, then LANG)', () => {
    expect(byId(checkTerminal(tty({ LC_ALL: 'C', LANG: 'C.UTF-8', TERM: 'xterm' })), 'terminal.utf8')?.status).toBe('fail');
    expect(byId(checkTerminal(tty({ LC_CTYPE: 'de_DE.utf8', LANG: 'C', TERM: 'xterm' })), 'terminal.utf8')?.detail).toBe('LC_CTYPE=de_DE.utf8');
  });

  it('says when it runs over SSH, and honours NO_COLOR', () => {
    const checks = checkTerminal(tty({ LANG: 'C.UTF-8', TERM: 'xterm', SSH_CONNECTION: '10.0.0.5 50000 10.0.0.2 22', NO_COLOR: '1' }));
    expect(byId(checks, 'terminal.ssh')?.detail).toMatch(/^over SSH from 10\.0\.0\.5: .*150 ms/);
    expect(byId(checks, 'terminal.colours')?.detail).toBe('off: NO_COLOR is set');
  });

  it('guesses bracketed paste from TERM when the terminal does not answer', () => {
    expect(byId(checkTerminal(tty({ LANG: 'C.UTF-8', TERM: 'screen-256color' })), 'terminal.paste')?.status).toBe('pass');
    expect(byId(checkTerminal(tty({ LANG: 'C.UTF-8', TERM: 'linux' })), 'terminal.paste')?.status).toBe('fail');
  });

  it('skips what needs a terminal when none is attached', () => {
    const checks = checkTerminal({ env: { LANG: 'C.UTF-8' }, tty: false, bracketedPaste: 'unknown' });
    expect(checks.filter((c) => c.status === 'skip').map((c) => c.id)).toEqual(['terminal.size', 'terminal.colours', 'terminal.term', 'terminal.paste']);
  });
});

describe('doctor: asking the terminal about bracketed paste', () => {
  const fakeTerminal = (answer: string | null): { stdin: PassThrough & { isTTY: boolean; setRawMode: (m: boolean) => void; raw: boolean[] }; out: { written: string; write(s: string): boolean } } => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true, raw: [] as boolean[], setRawMode: (m: boolean) => void stdin.raw.push(m) });
    const out = {
      written: '',
      write(s: string) {
        this.written += s;
        if (answer !== null) setImmediate(() => stdin.write(answer));
        return true;
      },
    };
    return { stdin, out };
  };

  it('reads a DECRPM answer, and restores the terminal mode', async () => {
    const { stdin, out } = fakeTerminal('\u001b[?2004;2$y\u001b[?62;22c');
    await expect(askBracketedPaste(stdin, out)).resolves.toBe('yes');
    expect(out.written).toBe('\u001b[?2004$p\u001b[c');
    expect(stdin.raw).toEqual([true, false]);
  });

  it('reads "not recognised", a terminal that answers only device attributes, and silence', async () => {
    const no = fakeTerminal('\u001b[?2004;0$y\u001b[?1;2c');
    await expect(askBracketedPaste(no.stdin, no.out)).resolves.toBe('no');
    const daOnly = fakeTerminal('\u001b[?1;2c');
    await expect(askBracketedPaste(daOnly.stdin, daOnly.out)).resolves.toBe('unknown');
    const silent = fakeTerminal(null);
    await expect(askBracketedPaste(silent.stdin, silent.out, 50)).resolves.toBe('unknown');
  });
});

describe('doctor: settings folder', () => {
  it('passes a private folder with private files', () => {
    const dir = tempDir();
    chmodSync(dir, 0o700);
    writeFileSync(join(dir, 'settings.json'), '{}', { mode: 0o600 });
    expect(checkSettings(dir).map((c) => c.status)).toEqual(['pass', 'pass']);
  });

  it('names the files others can read, with the chmod that fixes it', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'registries.json'), '{}', { mode: 0o644 });
    const modes = checkSettings(dir)[1];
    expect(modes?.status).toBe('fail');
    expect(modes?.detail).toContain(`${dir} is 0755`);
    expect(modes?.detail).toContain('registries.json is 0644');
    expect(modes?.fix).toBe(`chmod 700 ${dir} && chmod 600 ${dir}/*`);
  });

  it('passes a folder that does not exist yet when it can be created', () => {
    const dir = join(tempDir(), 'a', 'stevedore');
    expect(checkSettings(dir)[0]?.detail).toContain('does not exist yet');
  });
});

describe('doctor: docker config', () => {
  it('passes without a docker config', async () => {
    const checks = await checkDockerConfig({ DOCKER_CONFIG: tempDir() });
    expect(checks.map((c) => c.status)).toEqual(['pass']);
  });

  it('fails a config that is not JSON', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), '{not json');
    expect((await checkDockerConfig({ DOCKER_CONFIG: dir }))[0]?.status).toBe('fail');
  });

  it('runs each credential helper with `list` and shows nothing it printed', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'docker-credential-ok'), '#!/bin/sh\necho \'{"https://r.example":"me"}\'\n');
    writeFileSync(join(dir, 'bin', 'docker-credential-bad'), '#!/bin/sh\necho "token=s3cret" >&2\nexit 3\n');
    chmodSync(join(dir, 'bin', 'docker-credential-ok'), 0o755);
    chmodSync(join(dir, 'bin', 'docker-credential-bad'), 0o755);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ credsStore: 'ok', credHelpers: { 'r.example': 'bad', 'q.example': 'gone' } }));
    const checks = await checkDockerConfig({ DOCKER_CONFIG: dir, PATH: `${join(dir, 'bin')}:/usr/bin:/bin` });
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['docker-config', 'pass'],
      ['credential-helper.ok', 'pass'],
      ['credential-helper.bad', 'fail'],
      ['credential-helper.gone', 'fail'],
    ]);
    expect(byId(checks, 'credential-helper.bad')?.detail).toContain('exits 3');
    expect(byId(checks, 'credential-helper.gone')?.detail).toContain('is not on PATH');
    expect(JSON.stringify(checks)).not.toMatch(/s3cret|"me"/);
  });
});

describe('doctor: the app points to it', () => {
  it('after an engine or registry out of reach and an untrusted certificate, not after other errors', async () => {
    const { errorText } = await import('../../../../src/ui/services');
    const { NotFound, Unreachable, UntrustedCertificate } = await import('../../../../src/domain/errors');
    expect(errorText(new Unreachable('cannot reach the engine at unix:///x.sock', { hint: 'is dockerd running?' }))).toBe(
      'cannot reach the engine at unix:///x.sock (is dockerd running?); `stevedore doctor` in a shell checks the setup',
    );
    expect(errorText(new UntrustedCertificate('r.example: certificate not trusted'))).toContain('`stevedore doctor`');
    expect(errorText(new NotFound('Image not found: x'))).toBe('Image not found: x');
  });
});
