// How each kind of object is undone. Shared by compensation (a failed or cancelled run), the tutorial's clean-up
// (cleanup "now" or the end of a hold) and the teardown of a kept run. Every keyed object is released to its
// coordinator, which says whether this run removes it: only the last run to hold an object that a run made does.

import type { Holder, ObjectKey } from '../common/object-keys.js';
import type { UndoRecord } from '../common/provisioning.js';
import { type DeliveryWindow, deliveredState, isFailedRequestState } from '../common/request-states.js';
import { undoReads, undoWrites } from './activity-proxies.js';
import { readWhenDue } from './delivery.js';
import { readScheduleFor } from './read-schedule.js';
import { type Waker, peopleReadDelayMs } from './people.js';
import type { RunState } from './run-state.js';
import type { Saga, TrackedObject } from './saga.js';

/** What the run learnt about its assignment that spares the undo some reads. */
export interface AssignmentFacts {
  /** People are in the loop: the request may wait for them, and only a signed-in person can cancel it. */
  people?: PendingRequestWait;
  /** The delivered assignment, once verified: its removal needs no lookup. */
  assignmentId?: string;
  /** The run saw its own request delivered: no need to read it again before removing the assignment. */
  requestDelivered?: boolean;
}

/** How an undo waits out a request that waits for people. */
interface PendingRequestWait {
  state: RunState;
  waker: Waker;
  /** The requestor asks: a request may exist that the run never saw (made after it stopped waiting). */
  requestorAsks: boolean;
  /** Requests older than this are an earlier run's. */
  since: string;
  /** When Entra will have denied the request automatically, at the latest. */
  deniedByMs: () => number;
}

const pendingStates = new Set(['submitted', 'pendingApproval']);

/**
 * Waits until a request that waits for approval ends. Graph lets only a signed-in person cancel it (the requestor, or
 * an admin), so the run says exactly what to do and reads it on the people schedule — woken at once when
 * `entra-saga cancel-request` cancelled it — until Entra's automatic denial was due; past that it gives up, naming
 * the request left pending.
 */
async function awaitPendingRequestEnded(requestId: string, wait: PendingRequestWait): Promise<void> {
  const { workflowId } = wait.state.progress;
  const deniedBy = new Date(wait.deniedByMs()).toISOString();
  let current = (
    await undoReads.getRequestState.executeWithOptions({ summary: `undo: read request ${requestId}` }, [{ requestId }])
  ).state;
  const startMs = Date.now();
  for (let read = 0; pendingStates.has(current); read += 1) {
    const left = `the request ${requestId} is still ${current}, and only a signed-in person can cancel it: run \`entra-saga cancel-request ${workflowId}\` (it signs in the requestor or an admin) or cancel it in My Access; otherwise Entra denies it automatically by ${deniedBy}`;
    wait.state.updateApproval((a) => (a.cancelHint = left));
    if (Date.now() >= wait.deniedByMs()) throw new Error(left);
    await wait.waker.sleep(Math.min(peopleReadDelayMs(read, Date.now() - startMs), wait.deniedByMs() - Date.now()));
    ({ state: current } = await undoReads.getRequestState.executeWithOptions(
      { summary: `undo: read request ${requestId} (${current})` },
      [{ requestId }],
    ));
  }
  wait.state.updateApproval((a) => delete a.cancelHint);
}

/** How long to wait for a request (the run's adminAdd still in flight, or an adminRemove) to finish. */
const settleDeadlineMs = 15 * 60_000;

/**
 * Waits until a request has finished; returns its final state. Entra refuses to remove an assignment whose request
 * is still submitted or delivering, so an undo first lets the run's own request finish. A request just made is not
 * read at once: it cannot have finished yet.
 */
async function awaitRequestFinished(
  requestId: string,
  what: string,
  justMade = false,
  expected?: DeliveryWindow,
): Promise<string> {
  const deadline = Date.now() + settleDeadlineMs;
  const schedule = readScheduleFor(expected);
  let current = justMade
    ? 'submitted'
    : (
        await undoReads.getRequestState.executeWithOptions({ summary: `read ${what} request ${requestId}` }, [
          { requestId },
        ])
      ).state;
  while (current !== deliveredState && !isFailedRequestState(current)) {
    if (Date.now() >= deadline)
      throw new Error(`the ${what} request ${requestId} was still ${current} after 15 minutes`);
    current = await readWhenDue(undoReads, schedule, { requestId, what, state: current });
  }
  return current;
}

/** Releases a keyed object: its coordinator says whether this run removes it. */
function releaseKeyed(holder: Holder, key: ObjectKey, name: string) {
  const undo = undoWrites();
  const summary = (what: string) => ({ summary: `undo: ${what}` });
  switch (key.kind) {
    case 'user':
      return undo.deleteUser.executeWithOptions(summary(`delete user ${name}`), [{ holder, ...key }]);
    case 'group':
      return undo.deleteGroup.executeWithOptions(summary(`delete group ${name}`), [{ holder, ...key }]);
    case 'catalogResource':
      return 'groupId' in key
        ? undo.removeGroupFromCatalog.executeWithOptions(summary(`remove group ${key.groupId} from the catalog`), [
            { holder, ...key },
          ])
        : undo.removeResourceFromCatalog.executeWithOptions(summary(`remove ${name} from the catalog`), [
            { holder, ...key },
          ]);
    case 'accessPackage':
      return undo.deleteAccessPackage.executeWithOptions(summary(`delete access package ${name}`), [
        { holder, ...key },
      ]);
    case 'roleScope':
      return undo.removeRoleScope.executeWithOptions(summary(`remove role scope from ${key.accessPackageId}`), [
        { holder, ...key },
      ]);
    case 'assignmentPolicy':
      return undo.deletePolicy.executeWithOptions(summary(`delete policy ${name}`), [{ holder, ...key }]);
  }
}

/** Removes the run's assignment (adminRemove) and waits until the removal is delivered. */
async function removeAssignment(
  saga: Saga,
  object: TrackedObject,
  facts: AssignmentFacts,
): Promise<UndoRecord['outcome']> {
  const idOf = (kind: TrackedObject['kind']) => saga.find(kind)?.record?.id;
  const accessPackageId = idOf('accessPackage');
  const policyId = idOf('assignmentPolicy');
  const targetId = idOf('user');
  if (!accessPackageId || !policyId || !targetId) return 'alreadyGone';
  let requestId = object.record?.id;
  if (facts.people?.requestorAsks && !requestId) {
    // The requestor may have asked after the run stopped waiting: that request is the run's to undo too.
    const { request } = await undoReads.findRequestorRequest.executeWithOptions(
      { summary: `undo: look for ${object.name}'s request` },
      [{ accessPackageId, targetId, since: facts.people.since }],
    );
    requestId = request?.requestId;
  }
  if (requestId && !facts.requestDelivered) {
    if (facts.people) await awaitPendingRequestEnded(requestId, facts.people);
    const final = await awaitRequestFinished(requestId, 'assignment');
    // A request denied or cancelled while it waited for people never made an assignment.
    if (facts.people && (final === 'denied' || final === 'canceled')) return 'alreadyGone';
  } else if (facts.people && !requestId) {
    return 'alreadyGone';
  }
  const removal = await undoWrites().requestRemoval.executeWithOptions(
    { summary: `undo: adminRemove the assignment of ${object.name}` },
    [{ accessPackageId, policyId, targetId, assignmentId: facts.assignmentId }],
  );
  if (removal.requestId) {
    const final = await awaitRequestFinished(removal.requestId, 'removal', true, removal.expected);
    if (final !== deliveredState) throw new Error(`the removal request ${removal.requestId} ended ${final}`);
  }
  return removal.alreadyRemoved ? 'alreadyGone' : 'undone';
}

/** Builds the undo function of a saga: the run holding its objects, and what it knows of its assignment. */
export function undoFor(saga: Saga, holder: Holder, facts: AssignmentFacts = {}) {
  return async (object: TrackedObject): Promise<UndoRecord> => {
    const base = { kind: object.kind, name: object.name, id: object.record?.id };
    if (object.kind === 'assignment') {
      // An assignment this run did not ask for (it found the requestor assigned already) is not its to remove.
      if (object.record && !object.record.created) return { ...base, outcome: 'skippedAdopted' };
      return { ...base, outcome: await removeAssignment(saga, object, facts) };
    }
    if (!object.key) return { ...base, outcome: 'alreadyGone' };
    const { outcome, strays } = await releaseKeyed(holder, object.key, object.name);
    // Another run holds it: for an object this run adopted, that is simply "not this run's".
    const adopted = outcome === 'leftInUse' && object.record?.created === false;
    return { ...base, outcome: adopted ? 'skippedAdopted' : outcome, ...(strays.length ? { strays } : {}) };
  };
}
