// Exactly once per key, under Graph's real behaviour: the make and remove algorithms every create and delete
// activity of a keyed object goes through.
//
// Making: claim the key from its coordinator (one maker at a time across all runs), look the key up, and create only
// when nothing is there. Before sending a create the maker records, durably, that a create is on its way; after a
// create whose answer it did not see (a 5xx, a broken connection, a worker that died), it looks the key up until the
// create can no longer land (common/graph-timing.ts) before it creates again. Every object matching the key created
// since making began was made by runs: one is kept, the others are strays and are deleted.
//
// Removing: release the key; only the last holder of an object a run made removes it. A delete's 404 is replication
// lag while the object is young (the classifier's window, counted from when it was made) and "gone" after; an
// accepted delete is confirmed by a read.

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../common/failure-types.js';
import type { ObjectKey } from '../common/object-keys.js';
import { replicationAllowanceMs, replicationLagWindowMs, writeLandingWindowMs } from '../common/graph-timing.js';
import { finalFailureTypes } from '../common/failure-types.js';
import { describeGraphFailure } from '../graph/errors.js';
import {
  classified,
  createdAtOrAfter,
  graphCallOrNotFound,
  notFound,
  visibilityWaitMs,
  type FoundObject,
} from './graph-call.js';
import type { GraphOperation } from './failures.js';
import type { GraphCallName } from '../common/permissions.js';
import { attemptNotes, note } from './heartbeat.js';
import type { Holder } from '../common/object-keys.js';
import { claim, release, report } from './shared-objects.js';
import type { MadeObject, RemovedObject } from './types.js';

/** How one kind of object is found, created, deleted and read by id in Graph. */
export interface KeyedObjectGraph {
  /** For messages: "group markres". */
  what: string;
  /** The Graph calls of `create`, `remove` and `read`, as the permission table names them. */
  calls: { create: GraphCallName; remove: GraphCallName; read: GraphCallName };
  /** Every object matching the key, with its creation time (classified failures). */
  findAll(): Promise<FoundObject[]>;
  /** Sends the create; resolves to the new object's id. Rejects with Graph's own error. */
  create(): Promise<string>;
  /**
   * A refusal that means the object exists already (a second user with the UPN, a group already in the catalog):
   * look it up again instead of failing.
   */
  isAlreadyThere?(error: unknown): boolean;
  /** DELETE by id; rejects with Graph's own error (a 404 included). */
  remove(id: string): Promise<unknown>;
  /** GET by id: rejects with Graph's own error (a 404 included). */
  read(id: string): Promise<unknown>;
}

export interface MakeOptions {
  /**
   * The object's parent was made by this run moments ago, so nothing can match the key yet: a first maker with no
   * create in flight skips the lookup.
   */
  parentJustMade?: boolean;
  /** Reads that tell whether the objects the create names are visible yet (see graph-call.ts, untilVisible). */
  probe?: () => Promise<boolean>;
}

/** How often a maker waiting for a create in flight looks the key up again. */
const landingPollMs = 1_000;
/** How often an accepted delete is read until Graph shows it gone, and a lagging object until it shows. */
const confirmPollMs = 250;
/** How long one undo attempt waits in place for an object made moments ago to show, before Temporal retries it. */
const lagWaitInPlaceMs = 60_000;
/** How long an accepted delete may still be readable before the delete is sent again. */
const confirmWindowMs = 30_000;

function sleep(ms: number): Promise<void> {
  return Context.current().sleep(ms);
}

/** A create Graph refused (its answer says it had no effect), as opposed to one whose outcome is unknown. */
function refused(error: unknown): boolean {
  const failure = describeGraphFailure(error);
  if (failure.kind === 'authentication') return true;
  return failure.kind === 'http' && failure.status >= 400 && failure.status < 500 && failure.status !== 408;
}

/** A failed read worth reading again in place (throttling, an outage, the network), per the retry table. */
function transient(error: unknown): boolean {
  return error instanceof ApplicationFailure && !finalFailureTypes('forward').includes(error.type ?? '');
}

/** How long to pause before reading again after a transient failure: Graph's Retry-After, else the poll interval. */
function pauseAfter(error: unknown, pollMs: number): number {
  const delay: unknown = error instanceof ApplicationFailure ? error.nextRetryDelay : undefined;
  return typeof delay === 'number' ? Math.max(delay, pollMs) : pollMs;
}

/** The object to keep among those matching the key, and the strays: copies runs made besides it. */
function reconcile(
  found: readonly FoundObject[],
  sinceMs: number,
): { keep?: FoundObject; created: boolean; strays: FoundObject[] } {
  const byAge = [...found].sort(
    (a, b) => (a.createdDateTime ?? '').localeCompare(b.createdDateTime ?? '') || a.id.localeCompare(b.id),
  );
  const madeByRuns = byAge.filter((o) => createdAtOrAfter(o.createdDateTime, sinceMs));
  const preexisting = byAge.find((o) => !madeByRuns.includes(o));
  const keep = preexisting ?? madeByRuns[0];
  return { keep, created: keep !== undefined && keep !== preexisting, strays: madeByRuns.filter((o) => o !== keep) };
}

/**
 * Looks the key up — until `until` (epoch ms) while a create may still land — and settles on one object, deleting
 * strays. Resolves undefined when nothing matches.
 */
async function lookUp(graph: KeyedObjectGraph, sinceMs: number, until: number): Promise<MadeObject | undefined> {
  for (;;) {
    let found: FoundObject[];
    try {
      found = await graph.findAll();
    } catch (error) {
      // While waiting for a create to land, a throttled or failed look-up is simply looked again.
      if (!transient(error) || Date.now() >= until) throw error;
      await sleep(pauseAfter(error, landingPollMs));
      continue;
    }
    const { keep, created, strays } = reconcile(found, sinceMs);
    if (keep) {
      const removed: string[] = [];
      for (const stray of strays) {
        await deleteConfirmed(graph, stray.id, Date.parse(stray.createdDateTime ?? '') || sinceMs);
        removed.push(stray.id);
      }
      return { id: keep.id, created, strays: removed };
    }
    if (Date.now() >= until) return undefined;
    await sleep(Math.min(landingPollMs, until - Date.now()));
  }
}

/** Makes the object of `key` once across all runs, or uses the one that exists. */
export async function makeOnce(
  holder: Holder,
  key: ObjectKey,
  graph: KeyedObjectGraph,
  options: MakeOptions = {},
): Promise<MadeObject> {
  const claimed = await claim(holder, key);
  if (claimed.role === 'use') return { id: claimed.objectId, created: false, strays: [] };
  const createOperation: GraphOperation = {
    description: `create ${graph.what}`,
    call: graph.calls.create,
    mayLag: options.probe !== undefined,
  };
  const made = async (object: MadeObject, uncertain: boolean): Promise<MadeObject> => {
    await report(holder, key, {
      type: 'made',
      objectId: object.id,
      created: object.created,
      madeAt: Date.now(),
      uncertain,
    });
    return object;
  };
  try {
    const inFlight = claimed.pendingWriteSentAt;
    if (!(options.parentJustMade && claimed.fresh && inFlight === undefined)) {
      const found = await lookUp(graph, claimed.since, inFlight === undefined ? 0 : inFlight + writeLandingWindowMs);
      if (found) return await made(found, inFlight !== undefined || found.strays.length > 0);
      if (inFlight !== undefined) await report(holder, key, { type: 'notSent', unknown: true });
    }
    const sentAt = Date.now();
    await report(holder, key, { type: 'sending', at: sentAt });
    let id: string;
    try {
      id = await sendCreate(graph, options.probe);
    } catch (error) {
      if (graph.isAlreadyThere?.(error)) {
        await report(holder, key, { type: 'notSent' });
        const found = await lookUp(graph, claimed.since, Date.now() + writeLandingWindowMs);
        if (found) return await made(found, found.strays.length > 0);
      }
      if (refused(error)) {
        await report(holder, key, { type: 'notSent' });
        throw classified(error, createOperation);
      }
      // Unknown outcome: the create may have been applied. Wait for it rather than create twice: once Graph has
      // answered, only its replication is left; a create never answered may still be on its way.
      const until =
        describeGraphFailure(error).kind === 'http'
          ? Date.now() + replicationAllowanceMs
          : sentAt + writeLandingWindowMs;
      const found = await lookUp(graph, claimed.since, until);
      if (found) return await made(found, true);
      await report(holder, key, { type: 'notSent', unknown: true });
      throw classified(error, createOperation);
    }
    return await made({ id, created: true, strays: [] }, false);
  } catch (error) {
    // A failure that retrying cannot fix ends this run's making, so that another run may make the object.
    if (error instanceof ApplicationFailure && isFinal(error))
      await report(holder, key, { type: 'gaveUp' }).catch(() => undefined);
    throw error;
  }
}

/** A create refused because an object it names is not visible yet (a 404, or a 400 naming a missing reference). */
function laggingReference(error: unknown): boolean {
  const failure = describeGraphFailure(error);
  return failure.status === 404 || (failure.status === 400 && /NotFound/i.test(failure.code));
}

/**
 * Sends the create. When it names objects made moments ago (`probe` given), a refusal for a reference not visible
 * yet is sent again once the probe sees them, for up to the in-place visibility wait (graph-call.ts).
 */
async function sendCreate(graph: KeyedObjectGraph, probe?: () => Promise<boolean>): Promise<string> {
  const deadline = Date.now() + visibilityWaitMs;
  for (;;) {
    try {
      return await graph.create();
    } catch (error) {
      if (!probe || !laggingReference(error)) throw error;
      do {
        if (Date.now() + 100 > deadline) throw error;
        await sleep(100);
      } while (!(await probe().catch(() => false)));
    }
  }
}

function isFinal(error: ApplicationFailure): boolean {
  return finalFailureTypes('forward').includes(error.type ?? '');
}

/** Whether a failed Graph call was a 404. */
function isNotFound(error: unknown): boolean {
  return describeGraphFailure(error).status === 404;
}

/**
 * Deletes by id and confirms it with a read. A 404 is "not visible yet" while the object is within the replication
 * lag window (counted from `madeAt`) — the delete is sent again once a read shows the object — unless a delete of it
 * may already have been applied (accepted, or answered with a 5xx or not at all): then the 404 is that delete. After
 * the window a 404 means the object is gone.
 */
async function deleteConfirmed(graph: KeyedObjectGraph, id: string, madeAt: number): Promise<'undone' | 'alreadyGone'> {
  const operation: GraphOperation = {
    description: `delete ${graph.what} ${id}`,
    call: graph.calls.remove,
    mayLag: true,
    madeAt,
  };
  const readOperation: GraphOperation = {
    ...operation,
    call: graph.calls.read,
    description: `read ${graph.what} ${id}`,
  };
  /** 'visible', 'gone' (404), or 'unknown' (a throttled or failed read: read again). */
  const read = async (): Promise<{ seen: 'visible' | 'gone' | 'unknown'; pauseMs: number }> => {
    try {
      const answer = await graphCallOrNotFound(readOperation, () => graph.read(id));
      return { seen: answer === notFound ? 'gone' : 'visible', pauseMs: confirmPollMs };
    } catch (error) {
      if (!transient(error)) throw error;
      return { seen: 'unknown', pauseMs: pauseAfter(error, confirmPollMs) };
    }
  };
  const maybeDeleted = () => attemptNotes().deleted?.includes(id) === true;
  const noteDeleted = () =>
    note((n) => {
      if (!n.deleted?.includes(id)) n.deleted = [...(n.deleted ?? []), id];
    });
  const visibleBy = Math.min(Date.now() + lagWaitInPlaceMs, madeAt + replicationLagWindowMs);
  for (;;) {
    try {
      await graph.remove(id);
      noteDeleted();
      break;
    } catch (error) {
      if (!isNotFound(error)) {
        // A delete answered with a 5xx (or not at all) may have been applied: a 404 after it is this delete.
        if (!refused(error)) noteDeleted();
        throw classified(error, operation);
      }
      if (maybeDeleted()) return 'undone';
      if (Date.now() - madeAt >= replicationLagWindowMs) return 'alreadyGone';
      // Made moments ago and not visible yet: send the delete again once a read sees the object.
      for (;;) {
        if (Date.now() + confirmPollMs > visibleBy) {
          throw ApplicationFailure.create({
            type: FailureType.ReplicationLag,
            message: `Graph: ${operation.description}: 404 for an object made ${Math.round((Date.now() - madeAt) / 1000)} s ago, not visible yet; retrying`,
            nextRetryDelay: 1_000,
          });
        }
        const { seen, pauseMs } = await read();
        if (seen === 'visible') break;
        await sleep(pauseMs);
      }
    }
  }
  // The delete was accepted: read until Graph shows it gone (a replica may still serve it for a moment).
  const deadline = Date.now() + confirmWindowMs;
  for (;;) {
    const { seen, pauseMs } = await read();
    if (seen === 'gone') return 'undone';
    if (Date.now() >= deadline) {
      throw ApplicationFailure.create({
        type: FailureType.NotYetVisible,
        message: `${graph.what} ${id} is still readable ${confirmWindowMs / 1000} s after Graph accepted its delete; deleting again`,
      });
    }
    await sleep(pauseMs);
  }
}

/**
 * Removes this run's hold on the object of `key`, and the object itself when this run is its last holder and a run
 * made it — with any stray copy of it. `recordedId` is what the run knows of the object (for the message).
 */
export async function removeOnce(holder: Holder, key: ObjectKey, graph: KeyedObjectGraph): Promise<RemovedObject> {
  const answer = await release(holder, key);
  if (answer.action === 'keep') {
    return {
      outcome:
        answer.reason === 'inUse' ? 'leftInUse' : answer.reason === 'preexisting' ? 'skippedAdopted' : 'alreadyGone',
      strays: [],
    };
  }
  const ids = answer.objectId ? [answer.objectId] : [];
  if (answer.sweep) {
    // A create whose outcome was unknown may have left copies: every object matching the key made since making began.
    for (const found of await graph.findAll()) {
      if (createdAtOrAfter(found.createdDateTime, answer.since) && !ids.includes(found.id)) ids.push(found.id);
    }
  }
  let outcome: RemovedObject['outcome'] = 'alreadyGone';
  const strays: string[] = [];
  for (const id of ids) {
    const deleted = await deleteConfirmed(graph, id, answer.madeAt ?? answer.since);
    if (id === answer.objectId || (!answer.objectId && deleted === 'undone' && outcome === 'alreadyGone'))
      outcome = deleted;
    else if (deleted === 'undone') strays.push(id);
  }
  await report(holder, key, { type: 'removed' });
  return { outcome, strays };
}
