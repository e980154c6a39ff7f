// Bulk provisioning from a file: a parent run fans out child sagas with bounded concurrency; items of one package
// share its group and package without duplicates; the report says per item what happened; bad files name the line.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../client/exit-codes.js';
import { cli } from '../support/cli.js';
import { expectNoDuplicates, expectNothingLeaked } from '../support/leaks.js';
import { type SagaFixture, startSagaFixture } from '../support/saga.js';
import { uniqueId } from '../support/temporal.js';

let saga: SagaFixture;
let env: NodeJS.ProcessEnv;
let dir: string;
beforeAll(async () => {
  saga = await startSagaFixture({}, { codec: true });
  env = saga.cliEnv;
  dir = mkdtempSync(join(tmpdir(), 'entra-saga-bulk-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await saga?.close();
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

interface Report {
  status: string;
  counts: Record<string, number>;
  items: {
    index: number;
    requestorUpn: string;
    packageName: string;
    status: string;
    created: number;
    adopted: number;
    error?: string;
  }[];
}

describe('entra-saga bulk', () => {
  it('provisions every item, sharing each package and group without duplicates, and reports per item', async () => {
    const tag = uniqueId('bulk');
    const people = ['ana', 'ben', 'cy'];
    const items = ['Sales', 'Support'].flatMap((pkg) =>
      people.map(
        (p) =>
          `  - { requestorUpn: ${p}-${pkg.toLowerCase()}-${tag}@contoso.onmicrosoft.com, packageName: "${pkg} ${tag}" }`,
      ),
    );
    const path = file(`${tag}.yaml`, `defaults:\n  durationDays: 7\nitems:\n${items.join('\n')}\n`);
    const result = await cli(['bulk', path, '--concurrency', '4', '--json'], env);
    expect(result.code).toBe(ExitCode.Ok);
    const report = result.json() as unknown as Report;
    expect(report.status).toBe('completed');
    expect(report.counts).toMatchObject({ completed: 6, failed: 0, compensated: 0 });
    // Each item created its user, policy and assignment. Per package, the group, catalog resource, package and role
    // scope were created once — each by whichever item claimed it first — and the other items used them.
    for (const pkg of ['Sales', 'Support']) {
      const own = report.items.filter((i) => i.packageName === `${pkg} ${tag}`);
      expect(own.every((i) => i.created >= 3 && i.created + i.adopted === 7)).toBe(true);
      expect(own.reduce((sum, i) => sum + i.created, 0)).toBe(3 * 3 + 4);
      expect(own.reduce((sum, i) => sum + i.adopted, 0)).toBe(2 * 4);
    }
    const objects = await saga.emulator.control.objects();
    expectNoDuplicates(objects);
    expect(objects.accessPackages.filter((p) => p.displayName.endsWith(tag))).toHaveLength(2);
    const groups = objects.groups.filter((g) => g.displayName.endsWith(tag));
    expect(groups).toHaveLength(2);
    for (const group of groups) expect(objects.groupMembers?.[group.id]).toHaveLength(3);
  }, 180_000);

  it('reports a failed item as compensated while the others complete, exit 1', async () => {
    const tag = uniqueId('bulkfail');
    await saga.emulator.control.setDeliveryFaults([{ outcome: 'deliveryFailed', requestType: 'adminAdd', times: 1 }]);
    const path = file(
      `${tag}.json`,
      JSON.stringify([
        { requestorUpn: `a-${tag}@contoso.onmicrosoft.com`, packageName: `P ${tag}` },
        { requestorUpn: `b-${tag}@contoso.onmicrosoft.com`, packageName: `Q ${tag}` },
      ]),
    );
    const result = await cli(['bulk', path, '--concurrency', '1', '--json'], env);
    expect(result.code).toBe(ExitCode.RunFailed);
    const report = result.json() as unknown as Report;
    expect(report.items.map((i) => i.status)).toEqual(['compensated', 'completed']);
    expect(report.items[0]?.error).toMatch(/deliveryFailed/);
  }, 120_000);

  const badFiles: [string, string, RegExp][] = [
    ['not YAML', 'items: [\n  {a: 1', /:2: not valid YAML or JSON/],
    ['not a list', 'requestorUpn: a@contoso.onmicrosoft.com\n', /unknown top-level key "requestorUpn"/],
    ['an empty list', 'items: []\n', /must hold 1 to 1000 items/],
    [
      'a bad UPN on line 3',
      'items:\n  - { requestorUpn: a@contoso.onmicrosoft.com, packageName: P }\n  - { requestorUpn: nobody, packageName: P }\n',
      /:3: requestorUpn must look like alias@domain/,
    ],
    ['a missing package', '- requestorUpn: a@contoso.onmicrosoft.com\n', /:1: packageName is required/],
    [
      'an unknown field',
      '- requestorUpn: a@contoso.onmicrosoft.com\n  packageName: P\n  colour: red\n',
      /:3: colour is not a known field/,
    ],
    [
      'durationDays out of range',
      '- requestorUpn: a@contoso.onmicrosoft.com\n  packageName: P\n  durationDays: 0\n',
      /:3: durationDays must be from 1 to 3650/,
    ],
    [
      'cleanup now',
      '- { requestorUpn: a@contoso.onmicrosoft.com, packageName: P, cleanup: now }\n',
      /:1: cleanup must be "keep"/,
    ],
    [
      'a duplicate item',
      '- { requestorUpn: a@contoso.onmicrosoft.com, packageName: P }\n- { requestorUpn: A@contoso.onmicrosoft.com, packageName: p }\n',
      /:2: duplicates the item on line 1/,
    ],
  ];

  it.each(badFiles)('refuses %s, naming the line, before anything starts', async (_name, text, message) => {
    const before = await saga.emulator.control.objects();
    const path = file(`${uniqueId('bad')}.yaml`, text);
    const result = await cli(['bulk', path], env);
    expect(result.code).toBe(ExitCode.BadInput);
    expect(result.stderr).toMatch(message);
    expectNothingLeaked(before, await saga.emulator.control.objects());
  });

  it('refuses a missing file and a bad --concurrency', async () => {
    expect((await cli(['bulk', join(dir, 'nope.yaml')], env)).stderr).toMatch(/cannot read/);
    expect((await cli(['bulk', join(dir, 'nope.yaml'), '--concurrency', '0'], env)).stderr).toMatch(
      /--concurrency must be a whole number from 1 to 200/,
    );
  });
});
