// What a provisioning run shows of itself: the progress query's answer, the ProvisioningStage/Outcome search
// attributes, and the current details the Web UI renders while the run is open. Nothing here may hold a secret.

import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type {
  ObjectRecord,
  Outcome,
  Progress,
  Stage,
  StepKey,
  StepProgress,
  UndoRecord,
} from '../common/provisioning.js';
import { orderedSteps } from '../common/provisioning.js';

export type { StepKey };
import type { ApprovalProgress } from '../common/approvals.js';
import { AwaitingSince, ProvisioningOutcome, ProvisioningStage } from '../common/search-attributes.js';

function now(): string {
  return new Date().toISOString();
}

/**
 * The innermost useful message of a failure chain: an activity's failure says only "Activity task failed"; its cause
 * is the activity's own classified error, which names the Graph call, its error code and what to do.
 */
export function describeError(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

export class RunState {
  readonly progress: Progress;

  constructor(workflowId: string) {
    this.progress = { workflowId, stage: 'Validating', steps: {}, objects: [], undone: [] };
  }

  setStage(stage: Stage): void {
    if (this.progress.stage === stage) return;
    this.progress.stage = stage;
    upsertSearchAttributes([{ key: ProvisioningStage, value: stage }]);
    this.render();
  }

  setOutcome(outcome: Outcome): void {
    upsertSearchAttributes([
      { key: ProvisioningOutcome, value: outcome },
      { key: ProvisioningStage, value: 'Done' },
    ]);
    this.progress.stage = 'Done';
    this.render();
  }

  /** Runs one step of the saga, recording when it started and ended and whether it failed. */
  async step<T>(name: StepKey, run: () => Promise<T>, detail?: (result: T) => string): Promise<T> {
    const entry: StepProgress = { state: 'running', startedAt: now() };
    this.progress.steps[name] = entry;
    this.render();
    try {
      const result = await run();
      Object.assign(entry, { state: 'done', endedAt: now(), detail: detail?.(result) });
      return result;
    } catch (error) {
      Object.assign(entry, { state: 'failed', endedAt: now(), detail: describeError(error) });
      throw error;
    } finally {
      this.render();
    }
  }

  setRequestState(state: string): void {
    if (this.progress.requestState === state) return;
    this.progress.requestState = state;
    this.render();
  }

  recordObject(object: ObjectRecord): void {
    const index = this.progress.objects.findIndex((o) => o.kind === object.kind && o.name === object.name);
    if (index >= 0) this.progress.objects[index] = object;
    else this.progress.objects.push(object);
    this.render();
  }

  recordUndo(record: UndoRecord): void {
    this.progress.undone.push(record);
    this.render();
  }

  /** Who asks and the approval stages, shown while people are in the loop. */
  setApproval(approval: ApprovalProgress): void {
    this.progress.approval = approval;
    this.render();
  }

  /** Changes what the run shows of its approval. */
  updateApproval(change: (approval: ApprovalProgress) => void): void {
    if (!this.progress.approval) return;
    change(this.progress.approval);
    this.render();
  }

  /** The start of a wait for people (AwaitingSince, for the Web UI's queries), or its end. */
  setAwaitingSince(since: Date | undefined): void {
    upsertSearchAttributes([{ key: AwaitingSince, value: since ?? null }]);
  }

  setError(message: string): void {
    this.progress.error = message;
    this.render();
  }

  /** The Markdown the Web UI shows as the run's current details. */
  private render(): void {
    const p = this.progress;
    const lines = [`**Stage:** ${p.stage}${p.requestState ? ` · request \`${p.requestState}\`` : ''}`, ''];
    for (const [name, step] of orderedSteps(p))
      lines.push(`- ${name}: ${step.state}${step.detail ? ` — ${step.detail}` : ''}`);
    if (p.objects.length) {
      lines.push(
        '',
        '**Objects**',
        ...p.objects.map(
          (o) =>
            `- ${o.kind} ${o.name} \`${o.id}\` (${o.created ? 'created' : 'adopted'}${o.strays?.length ? `; stray copies deleted: ${o.strays.join(', ')}` : ''})`,
        ),
      );
    }
    if (p.undone.length) {
      lines.push(
        '',
        '**Undone**',
        ...p.undone.map(
          (u) =>
            `- ${u.kind} ${u.name}: ${u.outcome}${u.error ? ` — ${u.error}` : ''}${u.strays?.length ? `; stray copies deleted: ${u.strays.join(', ')}` : ''}`,
        ),
      );
    }
    if (p.approval) lines.push('', ...approvalLines(p.approval));
    if (p.error) lines.push('', `**Error:** ${p.error}`);
    setCurrentDetails(lines.join('\n'));
  }
}

/** The approval as the Web UI shows it: who asks, each stage's approvers, deadlines and decision. */
function approvalLines(approval: ApprovalProgress): string[] {
  const lines = [
    `**Requested by:** ${approval.requestedBy}${approval.requestId ? ` · request \`${approval.requestId}\`` : ''}${approval.requestDeadline && !approval.requestId ? ` · asks by ${approval.requestDeadline}` : ''}`,
  ];
  approval.stages.forEach((stage, i) => {
    const decided = stage.decision
      ? `${stage.decision.reviewResult === 'Approve' ? 'approved' : 'denied'} by ${stage.decision.by} at ${stage.decision.at}${stage.decision.justification ? ` — “${stage.decision.justification}”` : ''}`
      : approval.currentStage === i + 1
        ? `waiting${stage.escalatesAt ? `; escalates to ${stage.escalationApprovers?.join(', ')} at ${stage.escalatesAt}` : ''}${stage.deniesAt ? `; denied automatically at ${stage.deniesAt}` : ''}`
        : 'not reached';
    lines.push(`- approval stage ${i + 1} (${stage.approvers.join(', ')}): ${decided}`);
  });
  if (approval.reminders) lines.push(`- reminders: ${approval.reminders}`);
  if (approval.cancelHint) lines.push('', `**To finish the rollback:** ${approval.cancelHint}`);
  return lines;
}
