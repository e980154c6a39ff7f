// One workflow per object key (common/object-keys.ts) decides, for every run of the deployment, who creates the
// object and who may remove it. Graph does not make creates idempotent (mailNickname and a package's displayName are
// not unique), so two runs that need the same group or package would otherwise both create it.
//
//   empty ──claim──▶ making(maker, since) ──made──▶ held(objectId, holders) ──last release──▶ removing(remover)
//     ▲                  │ gaveUp                                                                  │ removed
//     └──────────────────┴──────────────────────────────────────────────────────────────────────────┘
//
// - The first run to claim becomes the maker: it looks the key up and creates the object if it is not there. Others
//   wait; once it is made they use it. A maker that reports a create it sent but never saw answered (`sending`)
//   leaves that fact here, so the next attempt knows a stray copy may still land.
// - Every run that uses the object holds it. Only the last holder to release an object that a run made removes it;
//   an object that existed before any run is never removed. So no run removes an object another run relies on.
// - Objects matching the key created at or after `since` were made by runs (only a maker creates, one at a time), so
//   reconciliation may keep one of them and delete the others.
//
// The activities talk to it (activities/shared-objects.ts) with update-with-start, so it starts on first use; it
// ends a few seconds after nothing is held, and continues as new when its history grows.

import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  type ClaimAnswer,
  type ReleaseAnswer,
  type SharedObjectState,
  claimUpdate,
  releaseUpdate,
  reportSignal,
  sharedObjectQuery,
} from './shared-object-messages.js';

/** How long a claim waits for a maker or remover before it answers `wait` (the caller asks again). */
const claimWaitMs = 20_000;
/**
 * A maker that neither claims nor reports for this long is taken to be gone (a terminated run): the next claimant
 * makes in its place, inheriting `since`, so that the gone maker's copy is reconciled, not duplicated. Longer than a
 * forward step may keep retrying (workflows/activity-proxies.ts).
 */
const makerLeaseMs = 20 * 60_000;
/** Nothing held for this long: the workflow ends (the next claim starts a new one). Short, so that a stack stopped
 * after a run leaves no coordinator open. */
const idleMs = 5_000;

export async function sharedObject(initial?: SharedObjectState): Promise<void> {
  const state: SharedObjectState = initial ?? { holders: [] };
  const makerGone = () => state.maker !== undefined && Date.now() - (state.makerSeenAt ?? 0) > makerLeaseMs;
  const removerGone = () => state.remover !== undefined && Date.now() - (state.removerSince ?? 0) > makerLeaseMs;
  /**
   * A remover that never reported (its undo failed for good, or its run was terminated) may have left the object or
   * not: the next claimant makes it again from what the key finds, as after an uncertain create.
   */
  const forgetGoneRemover = () => {
    if (!removerGone()) return;
    Object.assign(state, {
      objectId: undefined,
      origin: undefined,
      madeAt: undefined,
      uncertain: true,
      remover: undefined,
      removerSince: undefined,
    });
    state.since ??= Date.now();
  };
  const freeFor = (holder: string) =>
    (!state.remover || removerGone()) && (!state.maker || state.maker === holder || makerGone());

  setHandler(sharedObjectQuery, () => state);

  setHandler(claimUpdate, async ({ holder }): Promise<ClaimAnswer> => {
    await condition(() => freeFor(holder), claimWaitMs);
    if (!freeFor(holder)) return { role: 'wait' };
    forgetGoneRemover();
    if (state.objectId && state.origin) {
      if (!state.holders.includes(holder)) state.holders.push(holder);
      return { role: 'use', objectId: state.objectId, origin: state.origin };
    }
    const fresh = state.since === undefined;
    state.since ??= Date.now();
    state.maker = holder;
    state.makerSeenAt = Date.now();
    return { role: 'make', since: state.since, pendingWriteSentAt: state.pendingWriteSentAt, fresh };
  });

  setHandler(reportSignal, ({ holder, report }) => {
    if (report.type === 'removed') {
      if (state.remover !== holder) return;
      Object.assign(state, {
        objectId: undefined,
        origin: undefined,
        since: undefined,
        madeAt: undefined,
        uncertain: undefined,
        remover: undefined,
        removerSince: undefined,
      });
      return;
    }
    if (state.maker !== holder) return;
    state.makerSeenAt = Date.now();
    switch (report.type) {
      case 'sending':
        state.pendingWriteSentAt = report.at;
        break;
      case 'notSent':
        state.pendingWriteSentAt = undefined;
        if (report.unknown) state.uncertain = true;
        break;
      case 'made':
        Object.assign(state, {
          objectId: report.objectId,
          origin: report.created ? 'made' : 'preexisting',
          madeAt: report.madeAt,
          uncertain: state.uncertain === true || report.uncertain,
          maker: undefined,
          pendingWriteSentAt: undefined,
        });
        if (!state.holders.includes(holder)) state.holders.push(holder);
        break;
      case 'gaveUp':
        // Nothing was made; a create still in flight keeps `since`, so that its copy is found later.
        state.maker = undefined;
        if (state.pendingWriteSentAt === undefined) state.since = undefined;
        break;
    }
  });

  setHandler(releaseUpdate, async ({ holder }): Promise<ReleaseAnswer> => {
    await condition(() => !state.remover || state.remover === holder || removerGone(), claimWaitMs);
    if (state.remover && state.remover !== holder && !removerGone()) return { action: 'keep', reason: 'notHeld' };
    forgetGoneRemover();
    const removal = (): ReleaseAnswer => ({
      action: 'remove',
      objectId: state.objectId,
      since: state.since ?? 0,
      madeAt: state.madeAt,
      sweep: state.objectId === undefined || state.uncertain === true,
    });
    if (state.remover === holder) return removal();
    if (state.maker === holder) {
      // The maker failed or was cancelled mid-step: whatever it may have created is found by the key.
      Object.assign(state, {
        maker: undefined,
        remover: holder,
        removerSince: Date.now(),
        pendingWriteSentAt: undefined,
      });
      return removal();
    }
    if (!state.holders.includes(holder)) return { action: 'keep', reason: 'notHeld' };
    state.holders = state.holders.filter((h) => h !== holder);
    if (state.holders.length > 0) return { action: 'keep', reason: 'inUse' };
    if (state.origin !== 'made') {
      Object.assign(state, {
        objectId: undefined,
        origin: undefined,
        since: undefined,
        madeAt: undefined,
        uncertain: undefined,
      });
      return { action: 'keep', reason: 'preexisting' };
    }
    Object.assign(state, { remover: holder, removerSince: Date.now() });
    return removal();
  });

  // Idle: nothing held, made or being made, and nothing a run made that may still be there (`since` is kept until a
  // removal is reported, or until the next maker settles what the key finds).
  const idle = () => !state.maker && !state.remover && state.holders.length === 0 && state.since === undefined;
  for (;;) {
    const ready = () => idle() || workflowInfo().continueAsNewSuggested || removerGone();
    if (state.remover) await condition(ready, Math.max(1, (state.removerSince ?? 0) + makerLeaseMs + 1 - Date.now()));
    else await condition(ready);
    forgetGoneRemover();
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof sharedObject>(state);
    }
    if (!idle()) continue;
    const busyAgain = await condition(() => !idle(), idleMs);
    if (!busyAgain && allHandlersFinished()) return;
  }
}
