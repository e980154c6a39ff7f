// Hostile spec and bulk files through the real CLI (bin/entra-saga.mjs in a process of its own): each is refused with
// exit code 2 and one line naming the command, the file and the limit, in about a second, and before any connection
// is made — TEMPORAL_ADDRESS points at a port where nothing listens, so reaching Temporal would exit 3 instead.

import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../client/exit-codes.js';
import { cli } from '../support/cli.js';

const bin = new URL('../../bin/entra-saga.mjs', import.meta.url).pathname;
const unreachable = { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1' };
const dir = mkdtempSync(join(tmpdir(), 'entra-saga-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

interface Run {
  code: number | null;
  stderr: string;
  ms: number;
}

/** The CLI as an operator runs it; killed after 10 s so that a hang fails the test instead of stalling it. */
function entraSaga(args: string[]): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: unreachable, timeout: 10_000, maxBuffer: 1024 * 1024 },
      (error, _stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stderr, ms: performance.now() - started });
      },
    );
  });
}

const fifo = join(dir, 'pipe.yaml');
spawnSync('mkfifo', [fifo]);

const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  .concat(
    Array.from(
      { length: 8 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(',')}]`,
    ),
  )
  .join('\n');

/** name, path, and the refusal expected from `run --spec` and from `bulk`. */
const hostile: [string, () => string, RegExp, RegExp][] = [
  [
    'JSON nested 1,000,000 deep',
    () => file('deep.json', '['.repeat(1_000_000)),
    /is 976\.6 KiB; the limit is 64 KiB/,
    /deep\.json:1: nested more than 16 levels deep; the limit is 16/,
  ],
  [
    'YAML flow maps nested 5,000 deep',
    () => file('flow.yaml', '{a: '.repeat(5000)),
    /nested more than 16 levels deep/,
    /nested more than 16 levels deep/,
  ],
  [
    'YAML block maps nested 100 deep',
    () => file('indent.yaml', Array.from({ length: 100 }, (_, i) => `${'  '.repeat(i)}a:`).join('\n')),
    /indent\.yaml:17: nested more than 16 levels deep/,
    /indent\.yaml:17: nested more than 16 levels deep/,
  ],
  [
    '500,000 keys',
    () => file('keys.yaml', Array.from({ length: 500_000 }, (_, i) => `k${i}: ${i}`).join('\n')),
    /keys\.yaml is \d+\.\d MiB; the limit is 64 KiB/,
    /keys\.yaml is \d+\.\d MiB; the limit is 2 MiB/,
  ],
  [
    '7,000 keys under the size limits',
    () => file('keys-small.yaml', Array.from({ length: 7000 }, (_, i) => `k${i}: 1`).join('\n')),
    /keys-small\.yaml:65: a map of more than 64 keys; the limit is 64/,
    /a map of more than 64 keys; the limit is 64/,
  ],
  [
    'a 10 MB scalar',
    () => file('scalar.yaml', `packageName: ${'x'.repeat(10 * 1024 * 1024)}\n`),
    /is 10\.1 MiB; the limit is 64 KiB/,
    /is 10\.1 MiB; the limit is 2 MiB/,
  ],
  [
    'an 8 KiB scalar',
    () => file('scalar-small.yaml', `packageName: ${'x'.repeat(8192)}\n`),
    /a value is 8,192 characters long; the limit is 4,096 characters/,
    /a value is 8,192 characters long; the limit is 4,096 characters/,
  ],
  [
    'random bytes',
    () => file('random.yaml', randomBytes(64 * 1024 - 1)),
    /random\.yaml is binary/,
    /random\.yaml is binary/,
  ],
  [
    'a NUL byte',
    () => file('nul.yaml', 'packageName: P\u0000\n'),
    /is binary \(control character U\+0000 at byte 14\)/,
    /is binary \(control character U\+0000/,
  ],
  [
    'billion laughs',
    () => file('laughs.yaml', laughs),
    /laughs\.yaml:1: YAML anchors and aliases \(&a\) are not allowed/,
    /YAML anchors and aliases \(&a\) are not allowed/,
  ],
  [
    '200,000 line breaks',
    () => file('lines.yaml', '\n'.repeat(200_000)),
    /is 195\.4 KiB; the limit is 64 KiB/,
    /more than 150,000 YAML tokens; the limit is 150,000/,
  ],
  [
    '3 MiB over the size limit',
    () => file('big.yaml', `# ${'x'.repeat(3 * 1024 * 1024)}\n`),
    /big\.yaml is 3\.1 MiB; the limit is 64 KiB/,
    /big\.yaml is 3\.1 MiB; the limit is 2 MiB/,
  ],
  [
    '/dev/zero',
    () => '/dev/zero',
    /--spec: \/dev\/zero is a character device; only a regular YAML or JSON file is read/,
    /bulk: \/dev\/zero is a character device/,
  ],
  [
    'a named pipe',
    () => fifo,
    /pipe\.yaml is a named pipe; only a regular YAML or JSON file is read/,
    /pipe\.yaml is a named pipe/,
  ],
];

describe('hostile files are refused before anything connects', () => {
  it.each(hostile)('%s', async (_name, make, specMessage, bulkMessage) => {
    const path = make();
    for (const [args, message, who] of [
      [['run', '--spec', path], specMessage, '--spec'],
      [['bulk', path], bulkMessage, 'bulk'],
    ] as const) {
      const run = await entraSaga([...args]);
      expect(run.code, run.stderr).toBe(ExitCode.BadInput);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toMatch(new RegExp(`^entra-saga: ${who}: `));
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      // Startup through tsx takes ~0.6 s; the CLI's own work is timed in-process below and in the unit tests.
      expect(run.ms).toBeLessThan(2500);

      const started = performance.now();
      const inProcess = await cli([...args], unreachable);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(inProcess.code).toBe(ExitCode.BadInput);
      expect(inProcess.stderr).toMatch(message);
    }
  });

  it('a 10 MB flag value is refused by the length limit, naming the flag', async () => {
    const result = await cli(['run', '--package-name', 'x'.repeat(10 * 1024 * 1024)], unreachable);
    expect(result.code).toBe(ExitCode.BadInput);
    expect(result.stderr).toBe('entra-saga: --package-name is 10,485,760 characters long; the limit is 4,096\n');
    const unknown = await cli(['status', 'x'.repeat(5000), '--json'], unreachable);
    expect(unknown.json()).toMatchObject({
      status: 'error',
      exitCode: ExitCode.BadInput,
      error: 'argument 2 is 5,000 characters long; the limit is 4,096',
    });
  });

  it('valid files pass the limits and reach the connection (exit 3: nothing listens there)', async () => {
    const spec = file(
      'valid.yaml',
      'requestorUpn: alice@contoso.onmicrosoft.com\npackageName: Sales Tools\ngroupName: Sales\n',
    );
    const bulk = file(
      'valid-bulk.yaml',
      'items:\n  - { requestorUpn: alice@contoso.onmicrosoft.com, packageName: Sales Tools }\n',
    );
    for (const args of [
      ['run', '--spec', spec],
      ['bulk', bulk],
    ]) {
      const run = await entraSaga(args);
      expect(run.code, run.stderr).toBe(ExitCode.CannotConnect);
      expect(run.stderr).toMatch(/cannot connect to Temporal at 127\.0\.0\.1:1/);
    }
  });
});
