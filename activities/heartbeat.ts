// Activities report that they are alive while they run, so that Temporal retries the step elsewhere within seconds
// when a worker dies (the heartbeat timeout), instead of after a write's whole answer timeout. What an attempt has
// done that a later attempt must know (a delete Graph accepted) rides on the heartbeat's details: Temporal keeps the
// last details it received and hands them to the next attempt.

import { Context } from '@temporalio/activity';
import { heartbeatIntervalMs } from '../common/graph-timing.js';

export interface AttemptNotes {
  /**
   * Ids whose DELETE Graph may have applied (accepted it, or answered with a 5xx or not at all): a 404 for them later
   * is that delete, not replication lag.
   */
  deleted?: string[];
}

const notes = new WeakMap<Context, AttemptNotes>();

/** Wraps an activity so that it heartbeats every couple of seconds, with its notes, until it settles. */
export function heartbeating<A extends unknown[], R>(activity: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    const context = Context.current();
    const timer = setInterval(() => context.heartbeat(notes.get(context)), heartbeatIntervalMs);
    try {
      return await activity(...args);
    } finally {
      clearInterval(timer);
    }
  };
}

/** What this attempt and the attempts before it noted. */
export function attemptNotes(): AttemptNotes {
  const context = Context.current();
  const own = notes.get(context);
  if (own) return own;
  const earlier = context.info.heartbeatDetails as AttemptNotes | undefined;
  const start: AttemptNotes = { deleted: [...(earlier?.deleted ?? [])] };
  notes.set(context, start);
  return start;
}

/** Notes a fact for later attempts, and sends it at once (a failing attempt carries its last details too). */
export function note(update: (notes: AttemptNotes) => void): void {
  const current = attemptNotes();
  update(current);
  Context.current().heartbeat(current);
}
