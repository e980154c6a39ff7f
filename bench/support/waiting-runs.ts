// The waiting runs of bench:memory: what each kind of wait is, the input that puts a run into it, what the emulator
// needs for it, and the start of thousands of them at a bounded number still provisioning, with progress.
//
//   hold      cleanup "hold": provisioned, then a timer (the expiry, 30 days) and the teardown signal — no reads.
//   approval  the operator's adminAdd on a policy with one approval stage, on an emulator where adminAdd waits for the
//             approvers as the docs say (adminAddSkipsApproval off): AwaitingApproval, read on the people schedule.
//   request   the requestor asks themself (requestedBy "requestor"), and never does while the benchmark runs:
//             AwaitingRequest, looking for the request on the people schedule.

import type { Client } from '@temporalio/client';
import type { Client as GraphClient } from '@microsoft/microsoft-graph-client';
import type { ProvisioningInput, Stage } from '../../common/provisioning.js';
import type { EmulatorControl } from '../../emulator/control/client.js';
import { sleep } from './numbers.js';

export type WaitKind = 'hold' | 'approval' | 'request';

const waitKinds: readonly WaitKind[] = ['hold', 'approval', 'request'];

/** The ProvisioningStage a run of each kind waits in. */
export const waitStage: Record<WaitKind, Stage> = {
  hold: 'Holding',
  approval: 'AwaitingApproval',
  request: 'AwaitingRequest',
};

/** `hold,approval` → the kinds, in order; run i waits the (i mod n)-th. */
export function parseWaits(raw: string): WaitKind[] {
  const kinds = raw.split(',').map((k) => k.trim());
  const unknown = kinds.filter((k) => !waitKinds.includes(k as WaitKind));
  if (!kinds.length || unknown.length)
    throw new Error(`--waits: ${unknown.join(', ')} is not one of ${waitKinds.join(', ')}`);
  return [...new Set(kinds)] as WaitKind[];
}

/** The input that makes a run wait as `kind`, from the tutorial's input of that run. */
export function waitingInput(kind: WaitKind, base: ProvisioningInput, approverUpn: string): ProvisioningInput {
  switch (kind) {
    case 'hold':
      return { ...base, cleanup: 'hold' };
    case 'approval':
      return { ...base, cleanup: 'hold', approval: { stages: [{ approvers: [approverUpn] }] } };
    case 'request':
      return { ...base, cleanup: 'hold', requestedBy: 'requestor' };
  }
}

/**
 * Makes the emulator ready for the kinds of wait: adminAdd waits for approval (Graph's documented behaviour; the
 * emulator's default follows what is reported in practice), and the approver exists, made as an admin would.
 */
export async function prepareForWaits(
  kinds: readonly WaitKind[],
  control: EmulatorControl,
  graph: GraphClient,
  domain: string,
  tag: string,
): Promise<string> {
  const approverUpn = `approver-${tag}@${domain}`;
  if (!kinds.includes('approval')) return approverUpn;
  await control.configure({ adminAddSkipsApproval: false });
  await graph.api('/users').post({
    accountEnabled: true,
    displayName: 'Approver',
    mailNickname: `approver-${tag}`,
    userPrincipalName: approverUpn,
    passwordProfile: { password: `Bench-${tag}-Aa1!`, forceChangePasswordNextSignIn: false },
  });
  return approverUpn;
}

export interface StartProgress {
  /** Seconds since the first start. */
  seconds: number;
  launched: number;
  /** Runs in their wait (any kind). */
  waiting: number;
  /** Runs that ended (failed or completed): a waiting run should not. */
  ended: number;
}

export interface StartOptions {
  client: Client;
  taskQueue: string;
  ids: readonly string[];
  input: (i: number) => ProvisioningInput;
  /** At most this many runs started and not yet waiting or ended. */
  inFlight: number;
  /** Start calls sent at once. */
  startBatch: number;
  deadlineMs: number;
  /** Called about every `progressSeconds`, and once at the end. */
  onProgress: (p: StartProgress) => void;
  progressSeconds: number;
}

/** The visibility query of this benchmark's runs in any of `kinds`' waits. */
export function waitingQuery(taskQueue: string, kinds: readonly WaitKind[]): string {
  const stages = kinds.map((k) => `"${waitStage[k]}"`).join(', ');
  return `WorkflowType = "provisionAccessPackage" AND ProvisioningStage IN (${stages}) AND TaskQueue = "${taskQueue}"`;
}

const endedQuery = (taskQueue: string) =>
  `WorkflowType = "provisionAccessPackage" AND ExecutionStatus != "Running" AND TaskQueue = "${taskQueue}"`;

/**
 * Starts every run, keeping at most `inFlight` provisioning: a run is provisioning from its start until it waits or
 * ends, as visibility counts them (once a second). Runs pile up the way waiting runs do in use, and the memory read
 * at the end is that of the waiting runs, not of a start-up stampede. Starts go out `startBatch` at a time.
 */
export async function startWaitingRuns(o: StartOptions, kinds: readonly WaitKind[]): Promise<StartProgress> {
  const started = performance.now();
  const count = async (query: string) => (await o.client.workflow.count(query)).count;
  const progress: StartProgress = { seconds: 0, launched: 0, waiting: 0, ended: 0 };
  let reported = 0;
  while (performance.now() < o.deadlineMs) {
    const room = Math.min(
      o.inFlight - (progress.launched - progress.waiting - progress.ended),
      o.ids.length - progress.launched,
    );
    for (let left = room; left > 0; left -= o.startBatch) {
      await Promise.all(
        Array.from({ length: Math.min(left, o.startBatch) }, () => {
          const i = progress.launched++;
          return o.client.workflow.start('provisionAccessPackage', {
            workflowId: o.ids[i] as string,
            taskQueue: o.taskQueue,
            args: [o.input(i)],
          });
        }),
      );
    }
    await sleep(1000);
    [progress.waiting, progress.ended] = await Promise.all([
      count(waitingQuery(o.taskQueue, kinds)),
      count(endedQuery(o.taskQueue)),
    ]);
    progress.seconds = (performance.now() - started) / 1000;
    const done = progress.waiting + progress.ended >= o.ids.length;
    if (done || progress.seconds - reported >= o.progressSeconds) {
      reported = progress.seconds;
      o.onProgress({ ...progress });
    }
    if (done) break;
  }
  return progress;
}

/** Runs of each kind in their wait now. */
export async function countWaiting(
  client: Client,
  taskQueue: string,
  kinds: readonly WaitKind[],
): Promise<Partial<Record<WaitKind, number>>> {
  const counts = await Promise.all(kinds.map((k) => client.workflow.count(waitingQuery(taskQueue, [k]))));
  return Object.fromEntries(kinds.map((k, i) => [k, counts[i]?.count ?? 0]));
}
