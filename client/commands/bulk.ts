// `bulk <file>`: one parent run that provisions every item of the file with bounded concurrency, followed to the end
// with a per-item report (created, adopted, failed, compensated).

import { createHash } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import type { BulkItemStatus, BulkProgress } from '../../common/bulk.js';
import { ProvisioningStage } from '../../common/search-attributes.js';
import type { bulkProvision } from '../../workflows/bulk-provision.js';
import { bulkProgressQuery } from '../../workflows/messages.js';
import type { BulkFile } from '../bulk-file.js';
import { type Connected, webUiLink } from '../connect.js';
import { ExitCode } from '../exit-codes.js';
import { followingHint, queryWithin } from '../follow.js';
import type { Output } from '../render.js';

const pollMs = 1000;

function countsLine(progress: BulkProgress): string {
  const c = progress.counts;
  return `${progress.total} items: ${c.completed} completed, ${c.running} running, ${c.pending} pending, ${c.compensated} compensated, ${c.failed} failed${c.cancelled ? `, ${c.cancelled} cancelled` : ''}`;
}

async function followBulk(
  connected: Connected,
  handle: WorkflowHandle<typeof bulkProvision>,
  out: Output,
  json: boolean,
): Promise<BulkProgress> {
  connected.reach.about(handle.workflowId, followingHint(handle.workflowId));
  const seen = new Map<number, BulkItemStatus>();
  let last = '';
  let done = false;
  const result = handle.result().finally(() => (done = true));
  // On a terminal the counts line is redrawn in place: end it before a line about the connection, start anew below.
  const stopListening = connected.reach.onNotice(() => {
    if (out.isTTY && last && !json) out.write('\n');
    last = '';
  });
  while (!done && !json) {
    const progress = await queryWithin(connected, () => handle.query(bulkProgressQuery));
    if (progress) {
      for (const item of progress.items) {
        if (item.status !== 'pending' && seen.get(item.index) !== item.status) {
          seen.set(item.index, item.status);
          if (!out.isTTY)
            out.write(`  [${item.index + 1}] ${item.requestorUpn} · ${item.packageName}: ${item.status}\n`);
        }
      }
      const line = countsLine(progress);
      if (line !== last) out.write(out.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
      last = line;
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, pollMs))]);
  }
  stopListening();
  if (out.isTTY && !json) out.write('\n');
  return result;
}

/** Runs the items of `file`, read from `path` and checked before connecting. */
export async function bulkCommand(
  connected: Connected,
  path: string,
  file: BulkFile,
  options: { concurrency: number; json: boolean },
  out: Output,
): Promise<ExitCode> {
  const workflowId = `bulk/${createHash('sha256').update(file.text).digest('hex').slice(0, 16)}`;
  connected.reach.about(
    workflowId,
    `whether ${workflowId} started is not known: look with \`entra-saga status ${workflowId}\`; \`entra-saga bulk ${path}\` again joins it`,
  );
  const handle = await connected.client.workflow.start<typeof bulkProvision>('bulkProvision', {
    workflowId,
    taskQueue: connected.settings.taskQueue,
    args: [{ items: file.items, concurrency: options.concurrency }],
    // The same file started again joins the run in progress.
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    staticSummary: `Bulk provisioning: ${file.items.length} items from ${path}`.slice(0, 200),
    typedSearchAttributes: [{ key: ProvisioningStage, value: 'Provisioning' }],
  });
  const link = webUiLink(connected, workflowId, handle.firstExecutionRunId);
  if (!options.json)
    out.write(`bulk ${workflowId}: ${file.items.length} items, ${options.concurrency} at a time\n  Web UI: ${link}\n`);
  const final = await followBulk(connected, handle, out, options.json);
  const allDone = final.counts.completed === final.total;
  if (options.json) {
    out.write(
      `${JSON.stringify({ workflowId, status: allDone ? 'completed' : 'failed', counts: final.counts, items: final.items, webUi: link })}\n`,
    );
  } else {
    out.write(`${countsLine(final)}\n`);
    for (const item of final.items) {
      const detail =
        item.status === 'completed' ? `created ${item.created}, adopted ${item.adopted}` : (item.error ?? '');
      out.write(
        `  [${item.index + 1}] ${item.status.padEnd(11)} ${item.requestorUpn} · ${item.packageName}${detail ? ` — ${detail}` : ''}\n`,
      );
    }
  }
  return allDone ? ExitCode.Ok : ExitCode.RunFailed;
}
