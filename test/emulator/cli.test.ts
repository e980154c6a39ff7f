// `npm run emulator -- [flags]`: the ready line on stdout, --help, one-line errors with exit 2 for bad flags,
// exit 1 for a refused data file, and a clean stop on SIGTERM.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { flags, parseArgs } from '../../emulator/cli-args.js';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dir = mkdtempSync(join(tmpdir(), 'graph-emulator-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'emulator/main.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('the emulator CLI', () => {
  test('--help lists every flag and exits 0', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    for (const flag of [...Object.keys(flags), '--help']) expect(result.stdout).toContain(flag);
  });

  test.each([
    [['--port', 'abc'], /^graph-emulator: --port must be an integer, got 'abc'$/],
    [['--latency-ms', '-3'], /^graph-emulator: --latency-ms must be a non-negative number, got '-3'$/],
    [['--port', '70000'], /^graph-emulator: --port: must be an integer 0-65535, got 70000$/],
    [['--colour', 'red'], /^graph-emulator: Unknown option --colour/],
    [['--seed'], /^graph-emulator: --seed needs a value$/],
    [['--admin-add-skips-approval', 'maybe'], /^graph-emulator: --admin-add-skips-approval must be true or false/],
    [['--device-code-expires-in-s', '0'], /^graph-emulator: --device-code-expires-in-s: must be a whole number/],
  ])('%j is one error line naming the flag, exit 2', (args, message) => {
    const result = run(args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
  });

  test('the approval and device-code knobs parse into their options', () => {
    const parsed = parseArgs([
      '--admin-add-skips-approval',
      'false',
      '--delegated-permissions',
      'User.Read,EntitlementManagement.ReadWrite.All',
      '--device-code-expires-in-s=60',
      '--device-code-interval-s',
      '1',
    ]);
    expect(parsed).toMatchObject({
      help: false,
      options: {
        adminAddSkipsApproval: false,
        delegatedPermissions: ['User.Read', 'EntitlementManagement.ReadWrite.All'],
        deviceCodeExpiresInSeconds: 60,
        deviceCodeIntervalSeconds: 1,
      },
    });
  });

  test('a corrupt --data-file exits 1 naming the file', () => {
    const dataFile = join(dir, 'corrupt.json');
    writeFileSync(dataFile, '{oops');
    const result = run(['--port', '0', '--state-dir', join(dir, 'state'), '--data-file', dataFile]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(dataFile);
  });

  test('prints exactly the ready line on stdout, serves, and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'emulator/main.ts',
        '--port',
        '0',
        '--state-dir',
        join(dir, 'state'),
        '--permissions',
        'User.Read.All,Domain.Read.All',
      ],
      { cwd: repo },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const ready = await new Promise<string>((resolveLine, reject) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('\n')) resolveLine(stdout.split('\n')[0]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before ready`)));
    });
    expect(ready).toMatch(/^Graph emulator listening on https:\/\/127\.0\.0\.1:\d+$/);
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([ready]);
  });
});
