// Reads how a run ended — from its result or its failure — into the operator's terms: completed, compensated,
// failed or cancelled, with what was created and what was rolled back.

import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { FailureType } from '../common/failure-types.js';
import type { ObjectRecord, Outcome, ProvisioningResult, UndoRecord } from '../common/provisioning.js';
import { ExitCode } from './exit-codes.js';

export interface RunOutcome {
  status: Outcome;
  objects: ObjectRecord[];
  undone: UndoRecord[];
  error?: string;
  errorType?: string;
  result?: ProvisioningResult;
  exitCode: ExitCode;
}

const badInputTypes: readonly string[] = [FailureType.InvalidInput, FailureType.PreflightFailed];

/** The deepest ApplicationFailure of a failure chain: the root cause (an activity's classified Graph failure). */
function rootApplicationFailure(error: unknown): ApplicationFailure | undefined {
  let found: ApplicationFailure | undefined;
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if (current instanceof ApplicationFailure) found = current;
  }
  return found;
}

function rootMessage(error: Error): string {
  let current: Error = error;
  while (current.cause instanceof Error) current = current.cause;
  return current.message;
}

export function outcomeOfResult(result: ProvisioningResult): RunOutcome {
  return { status: 'completed', objects: result.objects, undone: result.undone, result, exitCode: ExitCode.Ok };
}

export function outcomeOfFailure(error: unknown): RunOutcome {
  if (!(error instanceof WorkflowFailedError)) throw error;
  const cause = error.cause;
  if (cause instanceof CancelledFailure) {
    return {
      status: 'cancelled',
      objects: [],
      undone: [],
      error: 'the run was cancelled and compensated',
      exitCode: ExitCode.RunFailed,
    };
  }
  if (cause instanceof TerminatedFailure || cause instanceof TimeoutFailure) {
    return { status: 'failed', objects: [], undone: [], error: cause.message, exitCode: ExitCode.RunFailed };
  }
  const top = cause instanceof ApplicationFailure ? cause : undefined;
  const details = (top?.details?.[0] ?? {}) as { objects?: ObjectRecord[]; undone?: UndoRecord[] };
  const inner = rootApplicationFailure(cause);
  const badInput = badInputTypes.includes(inner?.type ?? '');
  const status: Outcome = top?.type === FailureType.ProvisioningFailed && !badInput ? 'compensated' : 'failed';
  return {
    status,
    objects: details.objects ?? [],
    undone: details.undone ?? [],
    error: badInput && inner ? inner.message : (top?.message ?? (cause ? rootMessage(cause) : error.message)),
    errorType: inner?.type ?? top?.type ?? undefined,
    exitCode: badInput ? ExitCode.BadInput : ExitCode.RunFailed,
  };
}
