// No secret anywhere: a full run and a rolled-back run, with the worker as operators run it, and then every place a
// secret could surface is scanned — the worker's logs, the raw and the decrypted history, search attributes, memo,
// the Web UI's current details and the errors — for the client secret, access tokens, codec keys and the
// requestor's generated password (which the emulator can recognise, though it stores only its hash).

import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { Payload } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphClient } from '../../graph/client.js';
import type { ManagedProcess } from '../../devstack/managed-process.js';
import type { provisionAccessPackage } from '../../workflows/provision-access-package.js';
import { createTestCodec } from '../support/codec.js';
import { type TestEmulator, startTestEmulator } from '../support/emulator.js';
import { tutorialInput } from '../support/saga.js';
import { type TestTemporal, connectTestTemporal, uniqueId } from '../support/temporal.js';
import { startWorkerProcess } from '../support/worker-process.js';

const codec = createTestCodec();
const taskQueue = uniqueId('secrets');
let temporal: TestTemporal;
let emulator: TestEmulator;
let worker: ManagedProcess;
const logs: string[] = [];

beforeAll(async () => {
  temporal = await connectTestTemporal(codec.dataConverter);
  emulator = await startTestEmulator();
  worker = await startWorkerProcess(
    {
      ...emulator.env,
      ...codec.env,
      TEMPORAL_ADDRESS: temporal.address,
      ENTRA_SAGA_TASK_QUEUE: taskQueue,
      ENTRA_SAGA_LOG_LEVEL: 'TRACE',
    },
    (line) => logs.push(line),
  );
});
afterAll(async () => {
  await worker?.stop();
  await emulator?.close();
  await temporal?.close();
});

/** Every payload in a history (JSON form), decrypted to text. */
async function decryptedPayloads(history: unknown): Promise<string[]> {
  const found: Payload[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.data === 'string' && typeof record.metadata === 'object' && record.metadata !== null) {
      found.push({
        metadata: Object.fromEntries(
          Object.entries(record.metadata as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
        ),
        data: Buffer.from(record.data, 'base64'),
      });
    }
    Object.values(record).forEach(walk);
  };
  walk(history);
  const decoded = await codec.dataConverter.payloadCodecs[0]!.decode(found);
  return decoded.map(
    (p) =>
      `${Object.values(p.metadata ?? {})
        .map((v) => Buffer.from(v ?? []).toString())
        .join(' ')} ${Buffer.from(p.data ?? []).toString()}`,
  );
}

/** Strings shaped like a generated password: 12–64 characters of its alphabet, with all four character classes. */
function passwordCandidates(text: string): string[] {
  const words = text.split(/[^A-Za-z0-9!#%+\-=?@^_~]+/);
  return [
    ...new Set(
      words.filter(
        (w) =>
          w.length >= 12 &&
          w.length <= 64 &&
          /[A-Z]/.test(w) &&
          /[a-z]/.test(w) &&
          /[0-9]/.test(w) &&
          /[^A-Za-z0-9]/.test(w),
      ),
    ),
  ];
}

describe('no secret anywhere', () => {
  it('the emulator recognises a known password, so the scan can fail', async () => {
    const upn = `known-${uniqueId('x')}@contoso.onmicrosoft.com`;
    await createGraphClient(emulator.graph)
      .api('/users')
      .post({
        accountEnabled: true,
        displayName: 'Known',
        mailNickname: 'known',
        userPrincipalName: upn,
        passwordProfile: { password: 'Kn0wn-Passw0rd!x', forceChangePasswordNextSignIn: true },
      });
    expect((await emulator.control.passwordCheck(['nope', 'Kn0wn-Passw0rd!x'])).matches).toEqual([upn]);
  });

  it('leaks nothing from a completed run and a rolled-back run', async () => {
    const completed = await temporal.client.workflow.start<typeof provisionAccessPackage>('provisionAccessPackage', {
      workflowId: uniqueId('clean'),
      taskQueue,
      args: [tutorialInput({ cleanup: 'now' })],
    });
    await completed.result();
    await emulator.control.setFaults([
      { method: 'POST', path: 'assignmentPolicies$', status: 403, code: 'Authorization_RequestDenied', times: 1 },
    ]);
    const failed = await temporal.client.workflow.start<typeof provisionAccessPackage>('provisionAccessPackage', {
      workflowId: uniqueId('failed'),
      taskQueue,
      args: [tutorialInput({ cleanup: 'now' })],
    });
    const error = await failed.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);

    const places: Record<string, string> = { logs: logs.join('\n') };
    for (const handle of [completed, failed]) {
      const history = JSON.parse(historyToJSON(await handle.fetchHistory())) as unknown;
      places[`raw history ${handle.workflowId}`] = JSON.stringify(history);
      places[`decrypted history ${handle.workflowId}`] = (await decryptedPayloads(history)).join('\n');
      const description = await handle.describe();
      places[`search attributes ${handle.workflowId}`] = JSON.stringify(description.typedSearchAttributes);
      places[`memo ${handle.workflowId}`] = JSON.stringify(description.memo ?? {});
      places[`current details ${handle.workflowId}`] = JSON.stringify(
        await handle.query('__temporal_workflow_metadata').catch(() => ''),
      );
    }
    let chain: unknown = error;
    const messages: string[] = [];
    while (chain instanceof Error) {
      messages.push(chain.message);
      chain = chain.cause;
    }
    places.errors = messages.join('\n');
    // The scan reads real content: the decrypted history holds the requestor, the logs the Graph calls.
    expect(places[`decrypted history ${completed.workflowId}`]).toMatch(/Requestor1-/);
    expect(places.logs).toMatch(/POST \/v1\.0\/users → 201/);

    const secrets = [
      emulator.emulator.info.clientSecret,
      ...[...codec.keys.keys.values()].map((k) => k.toString('base64')),
    ];
    for (const [place, text] of Object.entries(places)) {
      for (const secret of secrets) expect(text.includes(secret), `a secret in ${place}`).toBe(false);
      expect(text, `an access token in ${place}`).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}/);
      expect(text, `a password field in ${place}`).not.toMatch(/passwordProfile|"password"/);
    }
    const candidates = [...new Set(Object.values(places).flatMap(passwordCandidates))];
    for (let i = 0; i < candidates.length; i += 1000) {
      expect((await emulator.control.passwordCheck(candidates.slice(i, i + 1000))).matches).toEqual([]);
    }
  }, 120_000);
});
