// The per-object coordinator's decisions, on the time-skipping test server: one maker at a time, others wait and then
// use what it made; a silent maker is replaced after its lease, keeping what it may have sent; only the last holder
// of an object a run made removes it; an object that existed before is never removed.

import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { sharedObject } from '../../workflows/shared-object.js';
import {
  type MakerReport,
  claimUpdate,
  releaseUpdate,
  reportSignal,
  sharedObjectQuery,
} from '../../workflows/shared-object-messages.js';
import { uniqueId, workflowBundle } from '../support/temporal.js';
import { startTimeSkipping } from '../support/time-skipping.js';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueId('objects');

beforeAll(async () => {
  env = await startTimeSkipping();
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle() });
  running = worker.run();
}, 60_000);
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

async function coordinator(): Promise<WorkflowHandle<typeof sharedObject>> {
  return env.client.workflow.start<typeof sharedObject>('sharedObject', {
    workflowId: uniqueId('object'),
    taskQueue,
    args: [undefined],
  });
}

const claim = (handle: WorkflowHandle, holder: string) => handle.executeUpdate(claimUpdate, { args: [{ holder }] });
const release = (handle: WorkflowHandle, holder: string) => handle.executeUpdate(releaseUpdate, { args: [{ holder }] });
const report = (handle: WorkflowHandle, holder: string, event: MakerReport) =>
  handle.signal(reportSignal, { holder, report: event });

describe('the object coordinator', () => {
  it('lets one run make the object while another waits, then uses it', async () => {
    const handle = await coordinator();
    const first = await claim(handle, 'run-a');
    expect(first).toMatchObject({ role: 'make', fresh: true });
    const second = claim(handle, 'run-b');
    await report(handle, 'run-a', { type: 'made', objectId: 'group-1', created: true, madeAt: 1, uncertain: false });
    expect(await second).toEqual({ role: 'use', objectId: 'group-1', origin: 'made' });
    expect((await handle.query(sharedObjectQuery)).holders).toEqual(['run-a', 'run-b']);
  });

  it('replaces a maker silent for longer than its lease, keeping when making began and the create it sent', async () => {
    const handle = await coordinator();
    const first = await claim(handle, 'run-a');
    await report(handle, 'run-a', { type: 'sending', at: 12345 });
    await env.sleep('21 minutes');
    const takeover = await claim(handle, 'run-b');
    expect(takeover).toEqual({
      role: 'make',
      since: (first as { since: number }).since,
      pendingWriteSentAt: 12345,
      fresh: false,
    });
    // The replaced maker's late reports are ignored.
    await report(handle, 'run-a', { type: 'made', objectId: 'stale', created: true, madeAt: 1, uncertain: false });
    expect((await handle.query(sharedObjectQuery)).objectId).toBeUndefined();
  });

  it('leaves the object to its other holders; the last holder removes it, with a sweep when its making was uncertain', async () => {
    const handle = await coordinator();
    await claim(handle, 'run-a');
    await report(handle, 'run-a', { type: 'made', objectId: 'package-1', created: true, madeAt: 1, uncertain: true });
    await claim(handle, 'run-b');
    expect(await release(handle, 'run-a')).toEqual({ action: 'keep', reason: 'inUse' });
    expect(await release(handle, 'run-a')).toEqual({ action: 'keep', reason: 'notHeld' });
    const last = await release(handle, 'run-b');
    expect(last).toMatchObject({ action: 'remove', objectId: 'package-1', madeAt: 1, sweep: true });
    // A claim while the object is being removed waits for the removal, then makes a new one.
    const next = claim(handle, 'run-c');
    await report(handle, 'run-b', { type: 'removed' });
    expect(await next).toMatchObject({ role: 'make', fresh: true });
  });

  it('never removes an object that existed before any run, and ends when nothing is held', async () => {
    const handle = await coordinator();
    await claim(handle, 'run-a');
    await report(handle, 'run-a', { type: 'made', objectId: 'group-9', created: false, madeAt: 1, uncertain: false });
    expect(await release(handle, 'run-a')).toEqual({ action: 'keep', reason: 'preexisting' });
    await env.sleep('10 seconds');
    await expect(handle.result()).resolves.toBeUndefined();
  });

  it('removes by the key what a maker that failed mid-step may have made', async () => {
    const handle = await coordinator();
    const first = await claim(handle, 'run-a');
    await report(handle, 'run-a', { type: 'sending', at: 5 });
    expect(await release(handle, 'run-a')).toEqual({
      action: 'remove',
      since: (first as { since: number }).since,
      sweep: true,
    });
  });

  it('lets a new run make the object again when its remover never reported, finding what that one left by the key', async () => {
    const handle = await coordinator();
    const first = await claim(handle, 'run-a');
    await report(handle, 'run-a', { type: 'made', objectId: 'policy-1', created: true, madeAt: 1, uncertain: false });
    expect(await release(handle, 'run-a')).toMatchObject({ action: 'remove', objectId: 'policy-1' });
    // The remover's undo failed for good: no `removed` report. After its lease, the next claim makes the object.
    await env.sleep('21 minutes');
    expect(await claim(handle, 'run-b')).toEqual({
      role: 'make',
      since: (first as { since: number }).since,
      fresh: false,
    });
    expect((await handle.query(sharedObjectQuery)).uncertain).toBe(true);
  });
});
