// Bulk provisioning: a parent run that starts one provisioning run per item as a child workflow, at most
// `concurrency` at a time, and reports per item what was created, adopted, failed or compensated.
//
// Items may share an access package or a group: their runs start side by side, and each object's coordinator
// (shared-object.ts) lets one of them create it while the others wait for it and use it.

import {
  ApplicationFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  executeChild,
  isCancellation,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  type BulkInput,
  type BulkItemReport,
  type BulkItemStatus,
  type BulkProgress,
  bulkLimits,
} from '../common/bulk.js';
import { FailureType } from '../common/failure-types.js';
import type { ProvisioningInput } from '../common/provisioning.js';
import { ProvisioningOutcome, ProvisioningStage } from '../common/search-attributes.js';
import { formatIssues, validateProvisioningInput, workflowInput } from '../common/validation.js';
import { provisioningWorkflowId } from '../common/workflow-id.js';
import { bulkProgressQuery } from './messages.js';
import { provisionAccessPackage } from './provision-access-package.js';

function statusOf(error: unknown): { status: BulkItemStatus; error: string } {
  const cause = error instanceof ChildWorkflowFailure ? error.cause : error;
  if (isCancellation(error) || isCancellation(cause)) return { status: 'cancelled', error: 'cancelled' };
  const message = cause instanceof Error ? cause.message : String(cause);
  if (cause instanceof ApplicationFailure && cause.type === FailureType.ProvisioningFailed)
    return { status: 'compensated', error: message };
  return { status: 'failed', error: message };
}

export async function bulkProvision(input: BulkInput): Promise<BulkProgress> {
  const items: ProvisioningInput[] = [];
  const problems: string[] = [];
  input.items.forEach((raw, index) => {
    const checked = validateProvisioningInput(raw);
    if (checked.ok) items.push(workflowInput(checked.input));
    else problems.push(`item ${index + 1}: ${formatIssues(checked.issues)}`);
  });
  const { min, max } = bulkLimits.concurrency;
  if (!Number.isInteger(input.concurrency) || input.concurrency < min || input.concurrency > max) {
    problems.push(`concurrency must be a whole number from ${min} to ${max}`);
  }
  if (input.items.length === 0 || input.items.length > bulkLimits.items)
    problems.push(`items must hold 1 to ${bulkLimits.items} entries`);
  if (problems.length) {
    throw ApplicationFailure.create({
      type: FailureType.InvalidInput,
      nonRetryable: true,
      message: `invalid bulk input: ${problems.join('; ')}`,
    });
  }

  const reports: BulkItemReport[] = items.map((item, index) => ({
    index,
    workflowId: provisioningWorkflowId(item),
    requestorUpn: item.requestorUpn,
    packageName: item.packageName,
    status: 'pending',
    created: 0,
    adopted: 0,
  }));
  const progress = (): BulkProgress => {
    const counts = { pending: 0, running: 0, completed: 0, compensated: 0, failed: 0, cancelled: 0 };
    for (const r of reports) counts[r.status] += 1;
    return { total: reports.length, counts, items: reports };
  };
  setHandler(bulkProgressQuery, progress);
  const render = () => {
    const { counts, total } = progress();
    setCurrentDetails(
      `**Bulk provisioning:** ${total} items · ${counts.completed} completed · ${counts.running} running · ` +
        `${counts.pending} pending · ${counts.compensated} compensated · ${counts.failed} failed`,
    );
  };
  upsertSearchAttributes([{ key: ProvisioningStage, value: 'Provisioning' }]);
  render();

  async function runItem(index: number): Promise<void> {
    const item = items[index] as ProvisioningInput;
    const report = reports[index] as BulkItemReport;
    report.status = 'running';
    render();
    try {
      const result = await executeChild(provisionAccessPackage, {
        workflowId: report.workflowId,
        args: [item],
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        staticSummary: `Grant ${item.requestorUpn} "${item.packageName}" (bulk ${workflowInfo().workflowId})`.slice(
          0,
          200,
        ),
      });
      report.status = 'completed';
      report.created = result.objects.filter((o) => o.created).length;
      report.adopted = result.objects.filter((o) => !o.created).length;
    } catch (error) {
      Object.assign(report, statusOf(error));
    }
    render();
  }

  // A fixed pool of lanes, each taking the next item in file order.
  let next = 0;
  const lanes = Array.from({ length: Math.min(input.concurrency, items.length) }, async () => {
    while (next < items.length) await runItem(next++);
  });
  await Promise.all(lanes);

  const final = progress();
  upsertSearchAttributes([
    { key: ProvisioningStage, value: 'Done' },
    { key: ProvisioningOutcome, value: final.counts.completed === final.total ? 'completed' : 'failed' },
  ]);
  render();
  return final;
}
