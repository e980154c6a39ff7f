// The bounded reader of spec and bulk files: each limit refuses the file just over it, at once, naming the command,
// the file and the limit; a file just under every limit is read; README's table of limits matches the code.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBulkFile } from '../../client/bulk-file.js';
import { formatBytes, type InputFileKind, inputLimits, readBoundedYaml } from '../../client/bounded-file.js';
import { CliError, ExitCode } from '../../client/exit-codes.js';
import { inputFromFlags } from '../../client/input-from-flags.js';

const dir = mkdtempSync(join(tmpdir(), 'entra-saga-bounded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `file-${(files += 1)}.yaml`);
  writeFileSync(path, content);
  return path;
}

const hangMs = 15_000;

/**
 * The CliError a read throws, and how long the read took. The time is checked only against a hang guard (`hangMs`):
 * a refusal that read the file first, or a parse gone quadratic, takes minutes at these sizes; the speed of a normal
 * read lives in no test.
 */
function refusal(path: string, kind: InputFileKind): { error: CliError; ms: number } {
  const started = performance.now();
  try {
    readBoundedYaml(path, kind);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return { error: error as CliError, ms: performance.now() - started };
  }
  throw new Error(`${path} was read; expected a refusal`);
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const keys = (n: number) => Array.from({ length: n }, (_, i) => `key${i}: ${i}`).join('\n');
const fields = (i: number) => [
  `requestorUpn: user.number${i}@contoso.onmicrosoft.com`,
  `requestorDisplayName: User Number ${i}`,
  'packageName: Sales Tools',
  'groupName: Sales',
  'groupMailNickname: sales',
  'catalogName: General',
  'policyName: Specific users',
  'durationDays: 30',
  'cleanup: keep',
  'deliveryTimeoutSeconds: 900',
  'dryRun: false',
];

describe('readBoundedYaml refuses a file over a limit, at once', () => {
  const cases: [string, InputFileKind, () => string, RegExp][] = [
    [
      'over the spec size',
      'spec',
      () => file(`# ${'x'.repeat(inputLimits.specBytes)}`),
      /^--spec: .*file-\d+\.yaml is 64\.1 KiB; the limit is 64 KiB$/,
    ],
    [
      'over the bulk size',
      'bulk',
      () => file(`# ${'x'.repeat(inputLimits.bulkBytes)}`),
      /^bulk: .* is 2\.1 MiB; the limit is 2 MiB$/,
    ],
    [
      '10 MB in one scalar',
      'bulk',
      () => file(`packageName: ${'x'.repeat(10 * 1024 * 1024)}`),
      /is 10\.1 MiB; the limit is 2 MiB/,
    ],
    [
      'JSON nested 1,000,000 deep',
      'bulk',
      () => file('['.repeat(1_000_000)),
      /:1: nested more than 16 levels deep; the limit is 16$/,
    ],
    ['nesting one level over', 'spec', () => file(nested(inputLimits.depth + 1)), /nested more than 16 levels deep/],
    ['YAML flow maps nested', 'spec', () => file('{a: '.repeat(5000)), /nested more than 16 levels deep/],
    [
      'YAML block maps nested',
      'spec',
      () => file(Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')),
      /:17: nested more than 16 levels deep/,
    ],
    ['YAML block lists nested on one line', 'bulk', () => file('- '.repeat(30_000)), /nested more than 16 levels deep/],
    [
      'a map one key over',
      'spec',
      () => file(keys(inputLimits.mapKeys + 1)),
      /:65: a map of more than 64 keys; the limit is 64$/,
    ],
    [
      '200,000 keys',
      'bulk',
      () => file(keys(200_000).slice(0, inputLimits.bulkBytes - 1)),
      /:65: a map of more than 64 keys/,
    ],
    [
      '200,000 keys in a flow map',
      'bulk',
      () => file(`{${Array.from({ length: 200_000 }, (_, i) => `k${i}`).join(',')}}`),
      /a map of more than 64 keys/,
    ],
    [
      'a scalar one character over',
      'spec',
      () => file(`packageName: ${'x'.repeat(inputLimits.scalarChars + 1)}`),
      /:1: a value is 4,097 characters long; the limit is 4,096 characters$/,
    ],
    [
      'a quoted scalar over',
      'bulk',
      () => file(`- "${'x'.repeat(1024 * 1024)}"`),
      /a value is 1,048,578 characters long/,
    ],
    [
      'line breaks over the token limit',
      'bulk',
      () => file('\n'.repeat(inputLimits.bulkTokens + 1)),
      /more than 150,000 YAML tokens; the limit is 150,000$/,
    ],
    ['tags over the token limit', 'spec', () => file('!!str '.repeat(4000)), /more than 4,096 YAML tokens/],
    [
      'billion laughs',
      'spec',
      () => file('a: &a ["lol","lol","lol"]\nb: &b [*a,*a,*a]\nc: &c [*b,*b,*b]\n'),
      /:1: YAML anchors and aliases \(&a\) are not allowed/,
    ],
    ['an alias alone', 'bulk', () => file('- *a\n'), /YAML anchors and aliases \(\*a\) are not allowed/],
    [
      'a NUL byte',
      'spec',
      () => file('packageName: P\u0000\n'),
      /is binary \(control character U\+0000 at byte 14\); only UTF-8 text is read$/,
    ],
    [
      'invalid UTF-8',
      'bulk',
      () => file(Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a])),
      /is binary \(not valid UTF-8\)/,
    ],
    [
      'random bytes',
      'bulk',
      () => file(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))),
      /is binary/,
    ],
    [
      '/dev/zero',
      'bulk',
      () => '/dev/zero',
      /^bulk: \/dev\/zero is a character device; only a regular YAML or JSON file is read$/,
    ],
    ['a directory', 'spec', () => dir, /is a directory; only a regular YAML or JSON file is read/],
    ['a missing file', 'spec', () => join(dir, 'missing.yaml'), /^--spec: cannot read .*missing\.yaml$/],
  ];

  it.each(cases)('%s (%s)', (_name, kind, make, message) => {
    const { error, ms } = refusal(make(), kind);
    expect(error.exitCode).toBe(ExitCode.BadInput);
    expect(error.message).toMatch(message);
    expect(error.message.split('\n')).toHaveLength(1);
    expect(ms).toBeLessThan(hangMs);
  });

  it('refuses a named pipe without waiting for a writer', () => {
    const fifo = join(dir, 'pipe.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const { error, ms } = refusal(fifo, 'spec');
    expect(error.message).toMatch(/^--spec: .*pipe\.yaml is a named pipe; only a regular YAML or JSON file is read$/);
    expect(ms).toBeLessThan(hangMs);
  });
});

describe('readBoundedYaml reads a file just under every limit', () => {
  it.each([
    ['nesting at the limit', nested(inputLimits.depth)],
    ['a map at the key limit', keys(inputLimits.mapKeys)],
    ['a scalar at the length limit', `packageName: ${'x'.repeat(inputLimits.scalarChars)}`],
    ['a double-quoted scalar at the length limit', `packageName: "${'x'.repeat(inputLimits.scalarChars - 2)}"`],
    ['a size at the limit', `# ${'x'.repeat(inputLimits.specBytes - 3)}\n`],
  ])('%s', (_name, text) => {
    const path = file(text);
    expect(readFileSync(path).length).toBeLessThanOrEqual(inputLimits.specBytes);
    expect(readBoundedYaml(path, 'spec').doc.errors).toEqual([]);
  });

  it('reads a spec of every field with comments up to near 64 KiB, as the CLI does', () => {
    const comment = `# ${'note '.repeat(40)}\n`;
    const spec = `${fields(1)
      .map((f) => `${f}  # a field`)
      .join('\n')}\n`;
    const text = spec + comment.repeat(Math.floor((inputLimits.specBytes - spec.length) / comment.length));
    expect(text.length).toBeGreaterThan(inputLimits.specBytes * 0.95);
    const started = performance.now();
    const input = inputFromFlags({ spec: file(text) }, {});
    expect(performance.now() - started).toBeLessThan(hangMs);
    expect(input).toMatchObject({
      requestorUpn: 'user.number1@contoso.onmicrosoft.com',
      cleanup: 'keep',
      deliveryTimeoutSeconds: 900,
    });
  });

  it('reads a bulk file of 1,000 items of every field, commented line by line, near 2 MiB, as the CLI does', () => {
    const padding = 'x'.repeat(150);
    const item = (i: number) =>
      `  # item ${i}\n${fields(i)
        .map((f, j) => `  ${j ? ' ' : '-'} ${f}  # ${padding}`)
        .join('\n')}\n`;
    const text = `defaults: { catalogName: General }  # shared\nitems:\n${Array.from({ length: 1000 }, (_, i) => item(i)).join('')}`;
    expect(text.length).toBeGreaterThan(inputLimits.bulkBytes * 0.9);
    expect(text.length).toBeLessThanOrEqual(inputLimits.bulkBytes);
    const started = performance.now();
    const bulk = readBulkFile(file(text));
    expect(performance.now() - started).toBeLessThan(hangMs);
    expect(bulk.items).toHaveLength(1000);
    expect(bulk.items[999]).toMatchObject({
      requestorUpn: 'user.number999@contoso.onmicrosoft.com',
      packageName: 'Sales Tools',
    });
  });

  it('reads a JSON bulk file', () => {
    const items = Array.from({ length: 3 }, (_, i) => ({
      requestorUpn: `u${i}@contoso.onmicrosoft.com`,
      packageName: 'P',
    }));
    expect(readBulkFile(file(JSON.stringify({ items }, null, 2))).items).toHaveLength(3);
  });
});

describe('README lists the limits the code enforces', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(
    readme.indexOf('**Input limits.**'),
    readme.indexOf('Workflow ids come from the business key'),
  );
  const row = (name: string) => section.split('\n').find((line) => line.startsWith(`| ${name} |`)) ?? '';
  const n = (value: number) => value.toLocaleString('en-US');

  it.each([
    ['Size', [formatBytes(inputLimits.specBytes), formatBytes(inputLimits.bulkBytes)]],
    ['YAML tokens', [n(inputLimits.specTokens), n(inputLimits.bulkTokens)]],
    ['Nesting depth', [`${inputLimits.depth} levels`]],
    ['Keys per map', [n(inputLimits.mapKeys)]],
    ['Scalar length', [`${n(inputLimits.scalarChars)} characters`]],
  ])('%s', (name, values) => {
    expect(row(name)).not.toBe('');
    for (const value of values) expect(row(name)).toContain(` ${value} `);
  });

  it('states the argument limit', () => {
    expect(section).toContain(`at most ${n(inputLimits.argumentChars)} characters`);
  });
});
