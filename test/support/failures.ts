// What a failed run ends with, as a test reads it: the run must fail, and its failure's cause is returned.

import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'vitest';

/** Awaits a run's result that must fail; resolves to the failure's cause (an ApplicationFailure, a CancelledFailure…). */
export async function runFailure(result: Promise<unknown>): Promise<Error> {
  const error = await result.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  return (error as WorkflowFailedError).cause as Error;
}

/** Like runFailure, and the cause must be an ApplicationFailure (ProvisioningFailed, TeardownIncomplete, …). */
export async function runApplicationFailure(result: Promise<unknown>): Promise<ApplicationFailure> {
  const cause = await runFailure(result);
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}
