import { describe, expect, it } from 'vitest';
import { versionInfo, versionText } from '../../../src/commands/version';
import { runCli } from './cliHarness';
import { tempDir } from '../helpers';

describe('--version', () => {
  const bundled = { version: '1.2.3', built: '2026-11-30T22:41:05.123Z', commit: '0123456789ab', node: 'v20.20.2', platform: 'linux/x64' };

  it('names the build date, commit and Node of a bundle', () => {
    expect(versionText(bundled, false)).toBe('stevedore 1.2.3\nbuilt   2026-11-30 22:41:05 UTC (commit 0123456789ab)\nnode    v20.20.2 (linux/x64)');
    expect(JSON.parse(versionText(bundled, true))).toEqual(bundled);
  });

  it('says when it runs from source', () => {
    const info = versionInfo();
    expect(info.built).toBeNull();
    expect(info.node).toBe(process.version);
    expect(versionText(info, false)).toContain('built   from source (not bundled)');
  });

  it('prints it and exits 0', async () => {
    const r = await runCli(tempDir(), ['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^stevedore \d+\.\d+\.\d+\nbuilt {3}from source \(not bundled\)\nnode {4}v\d+/);
    const j = await runCli(tempDir(), ['--version', '--json']);
    expect(j.json()).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+/), built: null, node: process.version });
  });
});
