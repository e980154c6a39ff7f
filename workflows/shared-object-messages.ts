// The messages of the per-object coordinator (shared-object.ts), shared with the activities that call it.

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export interface SharedObjectState {
  objectId?: string;
  origin?: 'preexisting' | 'made';
  /** Workflow time (ms) when making began: objects matching the key created since then were made by runs. */
  since?: number;
  /** When the object was made (ms): a 404 for it is replication lag until it is old enough. */
  madeAt?: number;
  maker?: string;
  /** When the maker last claimed or reported: a maker silent for longer than the lease is replaced. */
  makerSeenAt?: number;
  /** The maker sent a create at this time and has not seen its answer: a copy may still land. */
  pendingWriteSentAt?: number;
  /** A create's outcome was unknown while making: removal looks for copies by the key. */
  uncertain?: boolean;
  remover?: string;
  /** When the remover was told to remove: a remover that does not report within the lease is taken to be gone. */
  removerSince?: number;
  holders: string[];
}

export type ClaimAnswer =
  | { role: 'use'; objectId: string; origin: 'preexisting' | 'made' }
  | { role: 'make'; since: number; pendingWriteSentAt?: number; fresh: boolean }
  | { role: 'wait' };

export type ReleaseAnswer =
  | { action: 'keep'; reason: 'notHeld' | 'inUse' | 'preexisting' }
  /** `sweep`: a create's outcome was unknown at some point, so copies may exist besides `objectId`. */
  | { action: 'remove'; objectId?: string; since: number; madeAt?: number; sweep: boolean };

export type MakerReport =
  | { type: 'sending'; at: number }
  /** The create in flight is not there. `unknown`: its outcome was never known, so a late copy may still show. */
  | { type: 'notSent'; unknown?: boolean }
  | { type: 'made'; objectId: string; created: boolean; madeAt: number; uncertain: boolean }
  | { type: 'gaveUp' }
  | { type: 'removed' };

export const claimUpdate = defineUpdate<ClaimAnswer, [{ holder: string }]>('claim');
export const releaseUpdate = defineUpdate<ReleaseAnswer, [{ holder: string }]>('release');
export const reportSignal = defineSignal<[{ holder: string; report: MakerReport }]>('report');
export const sharedObjectQuery = defineQuery<SharedObjectState>('sharedObject');
