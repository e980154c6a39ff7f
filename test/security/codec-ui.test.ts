// Encrypted history in the Web UI: Temporal (and its UI's API) hold only ciphertext; the UI wired to the codec
// server shows an operator the run's input decrypted. Uses a dev server of its own, started with the codec endpoint
// as `npm run stack` starts it.

import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCodecServer, startCodecServer } from '../../codec/server.js';
import { AesGcmCodec } from '../../codec/aes-gcm-codec.js';
import { startTemporalDevServer, type TemporalDevServer } from '../../devstack/temporal-server.js';
import { freePort } from '../../devstack/ports.js';
import { type ProvisioningWorker, createProvisioningWorker } from '../../worker/create-worker.js';
import type { provisionAccessPackage } from '../../workflows/provision-access-package.js';
import { artifactPath, launchChromium, openRunTab } from '../../devstack/browser.js';
import { createTestCodec } from '../support/codec.js';
import { type TestEmulator, startTestEmulator } from '../support/emulator.js';
import { tutorialInput } from '../support/saga.js';
import { uniqueId, workflowBundle } from '../support/temporal.js';

const codec = createTestCodec();
const token = randomBytes(16).toString('hex');
let server: TemporalDevServer;
let codecServer: RunningCodecServer;
let emulator: TestEmulator;
let connection: Connection;
let native: NativeConnection;
let worker: ProvisioningWorker;
let running: Promise<void>;
let browser: Browser | undefined;
let client: Client;
const taskQueue = uniqueId('codec-ui');

beforeAll(async () => {
  const uiPort = await freePort();
  codecServer = await startCodecServer({
    codec: new AesGcmCodec(codec.keys),
    token,
    allowedOrigins: [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`],
  });
  server = await startTemporalDevServer({ port: 0, uiPort, uiCodecEndpoint: `${codecServer.url}/${token}` });
  emulator = await startTestEmulator();
  connection = await Connection.connect({ address: server.address });
  native = await NativeConnection.connect({ address: server.address });
  client = new Client({ connection, dataConverter: codec.dataConverter });
  worker = await createProvisioningWorker({
    connection: native,
    namespace: 'default',
    graph: emulator.graph,
    taskQueue,
    workflowBundle: await workflowBundle(),
    options: { dataConverter: codec.dataConverter },
  });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  worker?.shutdown();
  await running;
  await native?.close();
  await connection?.close();
  await emulator?.close();
  await server?.stop();
  await codecServer?.close();
});

describe('encrypted history in the Web UI', () => {
  it('is ciphertext in Temporal and readable through the codec server', async () => {
    const input = tutorialInput({ cleanup: 'now' });
    const workflowId = uniqueId('encrypted');
    await client.workflow.execute<typeof provisionAccessPackage>('provisionAccessPackage', {
      workflowId,
      taskQueue,
      args: [input],
    });

    // What Temporal stores, as the UI's own API serves it: encrypted payloads, and no trace of the input.
    const raw = await (
      await fetch(`${server.uiUrl}/api/v1/namespaces/default/workflows/${encodeURIComponent(workflowId)}/history`)
    ).text();
    expect(raw).toContain(Buffer.from('binary/encrypted').toString('base64'));
    expect(raw).not.toContain(input.requestorUpn);
    expect(raw).not.toContain(Buffer.from(input.requestorUpn).toString('base64'));

    // What an operator sees in the UI wired to the codec server: the input, decrypted.
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${server.uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
    await openRunTab(page, 'Event History');
    const body = page.locator('body');
    await expect
      .poll(async () => (await body.innerText()).includes(input.requestorUpn), { timeout: 30_000 })
      .toBe(true);
    await expect.poll(async () => /"tornDown": true/.test(await body.innerText()), { timeout: 30_000 }).toBe(true);
    // The UI decodes each payload as it renders it: give the last ones the same time to come through.
    await expect
      .poll(async () => /binary\/encrypted|YmluYXJ5L2VuY3J5cHRlZA/.test(await body.innerText()), { timeout: 30_000 })
      .toBe(false);
    await page.screenshot({ path: artifactPath('web-ui-decrypted.png'), fullPage: true });
  }, 120_000);
});
