// How each kind of object is undone. Shared by compensation (a failed or cancelled run), the tutorial's clean-up
// (cleanup "now" or the end of a hold) and the teardown of a kept run.

import { patched } from '@temporalio/workflow';
import type { UndoRecord } from '../common/provisioning.js';
import { deliveredState, isFailedRequestState } from '../common/request-states.js';
import { undo } from './activity-proxies.js';
import { PollSchedule, readWhenDue } from './delivery.js';
import type { Saga, TrackedObject } from './saga.js';

/** The business keys of the run, to find an object whose step never reported. */
export interface UndoKeys {
  userPrincipalName: string;
  groupMailNickname: string;
  packageName: string;
  policyName: string;
  catalogId?: string;
  /** The delivered assignment, once verified: its removal needs no lookup. */
  assignmentId?: string;
  /** The run saw its own request delivered: no need to read it again before removing the assignment. */
  requestDelivered?: boolean;
}

/** How long to wait for a request (the run's adminAdd still in flight, or an adminRemove) to finish. */
const settleDeadlineMs = 15 * 60_000;

/**
 * Waits until a request has finished; returns its final state. Entra refuses to remove an assignment whose request
 * is still submitted or delivering, so an undo first lets the run's own request finish. A request just made is not
 * read at once: it cannot have finished yet.
 */
async function awaitRequestFinished(requestId: string, what: string, justMade = false): Promise<string> {
  const deadline = Date.now() + settleDeadlineMs;
  const schedule = new PollSchedule();
  let current = justMade
    ? 'submitted'
    : (await undo.getRequestState.executeWithOptions({ summary: `read ${what} request ${requestId}` }, [{ requestId }])).state;
  while (current !== deliveredState && !isFailedRequestState(current)) {
    if (Date.now() >= deadline) throw new Error(`the ${what} request ${requestId} was still ${current} after 15 minutes`);
    current = await readWhenDue(undo, schedule, { requestId, what, state: current });
  }
  return current;
}

/** Builds the undo function of a saga from its keys and the ids it has learnt. */
export function undoFor(saga: Saga, keys: UndoKeys) {
  const idOf = (kind: TrackedObject['kind']) => saga.find(kind)?.record?.id;
  const createdByRun = (kind: TrackedObject['kind']) => saga.find(kind)?.record?.created === true;

  return async (object: TrackedObject): Promise<UndoRecord> => {
    const base = { kind: object.kind, name: object.name, id: object.record?.id };
    if (object.record && !object.record.created) return { ...base, outcome: 'skippedAdopted' };
    // Unknown result: the step failed or was cancelled after it may have acted. Find the object by its key, and
    // undo it only if it was created after the step began.
    const since = object.record ? undefined : object.since;
    const id = object.record?.id;
    const summary = (what: string) => ({ summary: `undo: ${what}` });
    let outcome: UndoRecord['outcome'];
    switch (object.kind) {
      case 'assignment': {
        const accessPackageId = idOf('accessPackage');
        const policyId = idOf('assignmentPolicy');
        const targetId = idOf('user');
        if (!accessPackageId || !policyId || !targetId) return { ...base, outcome: 'alreadyGone' };
        // Runs started before the saga remembered a delivered request read it once more here.
        const delivered = keys.requestDelivered === true && patched('skip-reading-a-delivered-request');
        if (id && !delivered) await awaitRequestFinished(id, 'assignment');
        const removal = await undo.requestRemoval.executeWithOptions(summary(`adminRemove the assignment of ${object.name}`), [
          { accessPackageId, policyId, targetId, assignmentId: keys.assignmentId },
        ]);
        if (removal.requestId) {
          // Runs started before read a removal request at once.
          const final = await awaitRequestFinished(removal.requestId, 'removal', patched('removal-read-after-a-wait'));
          if (final !== deliveredState) throw new Error(`the removal request ${removal.requestId} ended ${final}`);
        }
        outcome = removal.alreadyRemoved ? 'alreadyGone' : 'undone';
        break;
      }
      case 'assignmentPolicy': {
        const accessPackageId = idOf('accessPackage');
        if (!id && !accessPackageId) return { ...base, outcome: 'alreadyGone' };
        ({ outcome } = await undo.deletePolicy.executeWithOptions(summary(`delete policy ${object.name}`), [
          id ? { id } : { accessPackageId, displayName: keys.policyName, createdSince: since },
        ]));
        break;
      }
      case 'roleScope': {
        const accessPackageId = idOf('accessPackage');
        // Deleting a package this run created removes its role scopes with it.
        if (createdByRun('accessPackage') || !accessPackageId || !id) return { ...base, outcome: 'alreadyGone' };
        ({ outcome } = await undo.removeRoleScope.executeWithOptions(summary(`remove role scope from ${accessPackageId}`), [
          { accessPackageId, roleScopeId: id },
        ]));
        break;
      }
      case 'accessPackage': {
        if (!id && !keys.catalogId) return { ...base, outcome: 'alreadyGone' };
        ({ outcome } = await undo.deleteAccessPackage.executeWithOptions(summary(`delete access package ${object.name}`), [
          id ? { id } : { catalogId: keys.catalogId, displayName: keys.packageName, createdSince: since },
        ]));
        break;
      }
      case 'catalogResource': {
        const groupId = idOf('group');
        if (!keys.catalogId || !groupId) return { ...base, outcome: 'alreadyGone' };
        ({ outcome } = await undo.removeGroupFromCatalog.executeWithOptions(summary(`remove group ${groupId} from the catalog`), [
          { catalogId: keys.catalogId, groupId, createdSince: since, addedByRun: object.record?.created === true },
        ]));
        break;
      }
      case 'group':
        ({ outcome } = await undo.deleteGroup.executeWithOptions(summary(`delete group ${object.name}`), [
          id ? { id } : { mailNickname: keys.groupMailNickname, createdSince: since },
        ]));
        break;
      case 'user':
        ({ outcome } = await undo.deleteUser.executeWithOptions(summary(`delete user ${object.name}`), [
          id ? { id } : { userPrincipalName: keys.userPrincipalName, createdSince: since },
        ]));
        break;
    }
    return { ...base, outcome };
  };
}
