// What the operator sees: the saga's steps while a run is followed (a live list on a terminal, plain lines
// otherwise), and the outcome at the end.

import { orderedSteps, type Progress, type StepKey, type StepProgress } from '../common/provisioning.js';
import type { RunOutcome } from './outcome.js';

export interface Output {
  write(text: string): void;
  isTTY: boolean;
}

const marks: Record<string, string> = { pending: '·', running: '…', done: '✓', failed: '✗', skipped: '-' };

function elapsed(step: StepProgress, nowMs: number): string {
  if (!step.startedAt) return '';
  const end = step.endedAt ? Date.parse(step.endedAt) : nowMs;
  return `${((end - Date.parse(step.startedAt)) / 1000).toFixed(1)}s`;
}

export class ProgressView {
  #drawnLines = 0;
  readonly #printed = new Map<StepKey, string>();
  #lastStage = '';
  #lastRequestState = '';

  constructor(private readonly out: Output) {}

  /** Leaves the block drawn so far as it is: the next update draws a new one below (after a line on stderr). */
  restart(): void {
    this.#drawnLines = 0;
  }

  update(progress: Progress, nowMs = Date.now()): void {
    if (this.out.isTTY) this.#redraw(progress, nowMs);
    else this.#appendChanges(progress, nowMs);
  }

  #redraw(progress: Progress, nowMs: number): void {
    const lines = [`stage ${progress.stage}${progress.requestState ? ` · request ${progress.requestState}` : ''}`];
    for (const [name, step] of orderedSteps(progress)) {
      const detail = step.detail ? `  ${step.detail}` : '';
      lines.push(
        `  ${marks[step.state] ?? '?'} ${name.padEnd(20)} ${elapsed(step, nowMs).padStart(6)}${detail}`.slice(0, 160),
      );
    }
    const clear = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}A\x1b[0J` : '';
    this.out.write(`${clear}${lines.join('\n')}\n`);
    this.#drawnLines = lines.length;
  }

  #appendChanges(progress: Progress, nowMs: number): void {
    if (progress.stage !== this.#lastStage) {
      this.out.write(`stage ${progress.stage}\n`);
      this.#lastStage = progress.stage;
    }
    if (progress.requestState && progress.requestState !== this.#lastRequestState) {
      this.out.write(`  request state ${progress.requestState}\n`);
      this.#lastRequestState = progress.requestState;
    }
    for (const [name, step] of orderedSteps(progress)) {
      if (this.#printed.get(name) === step.state) continue;
      this.#printed.set(name, step.state);
      const time = step.state === 'running' ? '' : ` (${elapsed(step, nowMs)})`;
      this.out.write(
        `  ${marks[step.state] ?? '?'} ${name} ${step.state}${time}${step.detail && step.state !== 'running' ? `: ${step.detail}` : ''}\n`,
      );
    }
  }
}

export function renderOutcome(outcome: RunOutcome, workflowId: string, uiLink: string): string {
  const lines = [`${workflowId}: ${outcome.status}`];
  if (outcome.result?.dryRun) lines.push('  dry run: input valid and preflight passed; nothing was written');
  const created = outcome.objects.filter((o) => o.created);
  const adopted = outcome.objects.filter((o) => !o.created);
  const strays = (ids: readonly string[] | undefined) =>
    ids?.length
      ? `; ${ids.length} stray ${ids.length === 1 ? 'copy' : 'copies'} made by a create whose answer was lost, deleted: ${ids.join(', ')}`
      : '';
  if (created.length)
    lines.push('  created:', ...created.map((o) => `    ${o.kind} ${o.name} (${o.id}${strays(o.strays)})`));
  if (adopted.length)
    lines.push('  adopted (left as found):', ...adopted.map((o) => `    ${o.kind} ${o.name} (${o.id})`));
  const undone = outcome.undone.filter((u) => u.outcome !== 'skippedAdopted');
  if (undone.length) {
    const title = outcome.status === 'completed' ? '  cleaned up:' : '  rolled back:';
    const described = (u: (typeof undone)[number]) =>
      u.outcome === 'leftInUse'
        ? 'left in place: another run still holds it, and the last of them removes it'
        : u.outcome;
    lines.push(
      title,
      ...undone.map(
        (u) => `    ${u.kind} ${u.name}: ${described(u)}${u.error ? ` (${u.error})` : ''}${strays(u.strays)}`,
      ),
    );
  }
  if (outcome.error) lines.push(`  error: ${outcome.error}`);
  lines.push(`  Web UI: ${uiLink}`);
  return `${lines.join('\n')}\n`;
}

export function outcomeJson(
  outcome: RunOutcome,
  workflowId: string,
  runId: string | undefined,
  uiLink: string,
): Record<string, unknown> {
  return {
    workflowId,
    runId,
    status: outcome.status,
    dryRun: outcome.result?.dryRun ?? false,
    created: outcome.objects.filter((o) => o.created),
    adopted: outcome.objects.filter((o) => !o.created),
    rolledBack: outcome.status === 'completed' ? [] : outcome.undone,
    cleanedUp: outcome.status === 'completed' ? outcome.undone : [],
    request: outcome.result?.request,
    error: outcome.error,
    errorType: outcome.errorType,
    webUi: uiLink,
  };
}
