// --data-file: all state survives a restart (in-flight requests included, they finish on the restored clock);
// the CA and signing key are reused; a corrupt or unreadable file is refused and left untouched.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- Graph responses are untyped JSON; the tests assert their shape. */

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DataFileError, startEmulator } from '../../emulator/index.js';
import { graphScope, startHarness, type EmulatorHarness } from './support/harness.js';
import { em, memberIds, provision, requestAssignment, type Json } from './support/steps.js';

let dir: string;
let stateDir: string;
let dataFile: string;
const open: EmulatorHarness[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'graph-emulator-persist-'));
  stateDir = join(dir, 'state');
  dataFile = join(dir, 'emulator-data.json');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(deliveryDelayMs = 60_000): Promise<EmulatorHarness> {
  const h = await startHarness({ stateDir, dataFile, deliveryDelayMs });
  open.push(h);
  return h;
}

async function restart(h: EmulatorHarness, deliveryDelayMs?: number): Promise<EmulatorHarness> {
  await h.close();
  open.splice(open.indexOf(h), 1);
  return start(deliveryDelayMs);
}

describe('restart with a data file', () => {
  test('every object survives, readable through Graph', async () => {
    let h = await start();
    const p = await provision(h.graph(), h.info.domain);
    h = await restart(h);
    expect((await h.graph().api(`/users/${p.user.id}`).get()).userPrincipalName).toBe(p.user.userPrincipalName);
    expect((await h.graph().api(`/groups/${p.group.id}`).get()).displayName).toBe(p.group.displayName);
    const pkg = await h
      .graph()
      .api(`${em}/accessPackages/${p.accessPackage.id}`)
      .expand('resourceRoleScopes,assignmentPolicies')
      .get();
    expect(pkg.resourceRoleScopes.map((rs: Json) => rs.id)).toEqual([p.roleScope.id]);
    expect(pkg.assignmentPolicies.map((x: Json) => x.id)).toEqual([p.policy.id]);
  });

  test('an in-flight assignment request finishes after the restart, granting membership', async () => {
    let h = await start();
    const p = await provision(h.graph(), h.info.domain);
    const request = await requestAssignment(h.graph(), 'adminAdd', p.user.id, p.policy.id, p.accessPackage.id);
    await h.control.post('clock', { advanceMs: 30_000 });
    h = await restart(h);
    expect((await h.graph().api(`${em}/assignmentRequests/${request.id}`).get()).state).toBe('delivering');
    await h.control.post('clock', { advanceMs: 30_000 });
    expect((await h.graph().api(`${em}/assignmentRequests/${request.id}`).get()).state).toBe('delivered');
    expect(await memberIds(h.graph(), p.group.id)).toEqual([p.user.id]);
  });

  test('the clock offset is restored', async () => {
    let h = await start();
    const before = await h.control.post<Json>('clock', { advanceMs: 86_400_000 });
    h = await restart(h);
    const after = await h.control.get<Json>('clock');
    expect(after.offsetMs).toBe(before.offsetMs);
  });

  test('the CA and the token-signing key are reused: a token from before the restart still works', async () => {
    let h = await start();
    const ca = readFileSync(join(stateDir, 'ca.pem'), 'utf8');
    const { token } = await h.appCredential().getToken(graphScope);
    h = await restart(h);
    expect(readFileSync(join(stateDir, 'ca.pem'), 'utf8')).toBe(ca);
    expect((await h.graphWithToken(token).api('/domains').get()).value).toHaveLength(2);
  });

  test('private keys are written 0600 and writes leave no temporary files', async () => {
    const h = await start();
    await provision(h.graph(), h.info.domain);
    for (const name of ['ca-key.pem', 'server-key.pem', 'token-signing-key.pem'])
      expect(statSync(join(stateDir, name)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(JSON.parse(readFileSync(dataFile, 'utf8'))).toMatchObject({
      format: 'entra-saga-emulator-state',
      version: 1,
    });
  });

  test('passwords are not stored in the data file', async () => {
    const h = await start();
    const p = await provision(h.graph(), h.info.domain);
    expect(readFileSync(dataFile, 'utf8')).not.toContain('Contoso1234!');
    expect(p.user.id).toBeDefined();
  });

  test('a data file written before apps and sites existed gets the seeded ones', async () => {
    let h = await start();
    await provision(h.graph(), h.info.domain);
    await h.close();
    open.splice(open.indexOf(h), 1);
    const older = JSON.parse(readFileSync(dataFile, 'utf8'));
    for (const name of ['applications', 'servicePrincipals', 'sites']) delete older[name];
    writeFileSync(dataFile, JSON.stringify(older));
    h = await start();
    const objects = await h.control.get<Json>('objects');
    expect(objects.users).toHaveLength(1);
    expect(objects.servicePrincipals.map((sp: Json) => sp.displayName).sort()).toEqual([
      'Contoso Expenses',
      'Contoso Wiki',
      'entra-saga',
    ]);
    expect(objects.sites.map((s: Json) => s.title)).toEqual(['Marketing', 'Sales']);
  });

  test('reset persists the seeded state', async () => {
    let h = await start();
    await provision(h.graph(), h.info.domain);
    await h.reset();
    h = await restart(h);
    expect((await h.control.get<Json>('objects')).users).toEqual([]);
  });
});

describe('refusing a bad data file', () => {
  test('corrupt JSON is refused with an error naming the file, which is left untouched', async () => {
    const content = '{"format":"entra-saga-emulator-state","users":[{"id"';
    writeFileSync(dataFile, content);
    const error = await startEmulator({ port: 0, stateDir, dataFile }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as Error).message).toContain(dataFile);
    expect((error as Error).message).toMatch(/not valid JSON/);
    expect(readFileSync(dataFile, 'utf8')).toBe(content);
  });

  test('JSON that is not emulator state is refused', async () => {
    writeFileSync(dataFile, JSON.stringify({ hello: 'world' }));
    await expect(startEmulator({ port: 0, stateDir, dataFile })).rejects.toThrow(
      /is not emulator state \(missing format marker\)/,
    );
    expect(JSON.parse(readFileSync(dataFile, 'utf8'))).toEqual({ hello: 'world' });
  });

  test('an unreadable path is refused', async () => {
    mkdirSync(dataFile);
    await expect(startEmulator({ port: 0, stateDir, dataFile })).rejects.toThrow(/Cannot read the emulator data file/);
  });
});
