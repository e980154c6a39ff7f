// Who asks for the assignment and who approves it: the policy's approval stages as an operator writes them, what a
// run shows while people decide, and the decisions the approvers' commands report. Shared by the workflow, the worker
// and the CLI.

/** Who asks for the assignment: the worker as an admin (`adminAdd`), or the requestor themself (`userAdd`). */
export type RequestedBy = 'operator' | 'requestor';
export const requestedByValues: readonly RequestedBy[] = ['operator', 'requestor'];

/**
 * An approver as an operator names one: a user by UPN (`alice@contoso.com`), a group's members (`group:Finance
 * approvers`, by display name or mailNickname), or the requestor's manager (`manager`, `manager:2` for the manager's
 * manager).
 */
type ApproverRef = string;

export type ParsedApprover =
  { kind: 'user'; userPrincipalName: string } | { kind: 'group'; name: string } | { kind: 'manager'; level: 1 | 2 };

/** One approval stage of the policy the run creates. */
export interface ApprovalStageSpec {
  /** Who decides (any one of them). */
  approvers: ApproverRef[];
  /** Who decides when the approvers are no one (the requestor has no manager): required when `manager` approves. */
  fallbackApprovers?: ApproverRef[];
  /** Who may also decide once the stage has waited `escalateAfterDays` (the approvers still can). */
  escalationApprovers?: ApproverRef[];
  escalateAfterDays?: number;
  /** Days the stage waits before Entra denies the request automatically. Default 14. */
  denyAfterDays?: number;
}

export interface ApprovalSettings {
  /** 1 to 3 stages, decided in order; a denial at any stage ends the request. */
  stages: ApprovalStageSpec[];
  /** While a stage waits, the run records a reminder this often (its progress and the worker's log). Default 24. */
  remindEveryHours?: number;
}

export const approvalDefaults = {
  denyAfterDays: 14,
  remindEveryHours: 24,
  /** How long the requestor has to ask, when the requestor asks. */
  requestTimeoutHours: 168,
} as const;

export const approvalLimits = {
  stages: { min: 1, max: 3 },
  approversPerList: 25,
  denyAfterDays: { min: 1, max: 14 },
  /** Microsoft: alternate approvers need a request timeout of at least 4 days. */
  denyAfterDaysWithEscalation: 4,
  escalateAfterDays: { min: 1, max: 13 },
  remindEveryHours: { min: 1, max: 336 },
  requestTimeoutHours: { min: 1, max: 720 },
} as const;

const managerPattern = /^manager(?::([12]))?$/i;

/** An approver reference's meaning, or undefined when it is none of the three forms. */
export function parseApprover(ref: string): ParsedApprover | undefined {
  const manager = managerPattern.exec(ref);
  if (manager) return { kind: 'manager', level: manager[1] === '2' ? 2 : 1 };
  if (/^group:/i.test(ref)) {
    const name = ref.slice('group:'.length).trim();
    return name ? { kind: 'group', name } : undefined;
  }
  return ref.includes('@') ? { kind: 'user', userPrincipalName: ref } : undefined;
}

/** A decision on a stage, as the approver's command saw Graph accept it. */
export interface ApprovalDecision {
  /** 1-based. */
  stage: number;
  reviewResult: 'Approve' | 'Deny';
  /** The approver's UPN. */
  by: string;
  /** When Graph accepted it (ISO 8601). */
  at: string;
  justification?: string;
}

/** What a run shows while people are in the loop: who asks, which stage waits for whom, and until when. */
export interface ApprovalProgress {
  requestedBy: RequestedBy;
  /** When the run started waiting for the requestor's request (AwaitingRequest), and its deadline. */
  requestAwaitedSince?: string;
  requestDeadline?: string;
  /** The request being followed. */
  requestId?: string;
  /** When the request began waiting for approval. */
  approvalSince?: string;
  /** The stages of the policy, with what the run knows of each. */
  stages: ApprovalStageProgress[];
  /** The stage waiting now (1-based), as far as the run knows: decisions made outside entra-saga show only when the
   * request moves on. */
  currentStage?: number;
  reminders: number;
  /** A rollback waits for the pending request to end: what a person must do to cancel it. */
  cancelHint?: string;
}

export interface ApprovalStageProgress {
  approvers: ApproverRef[];
  fallbackApprovers?: ApproverRef[];
  escalationApprovers?: ApproverRef[];
  /** When the stage's approvers were joined by its escalation approvers (known once the stage's start is known). */
  escalatesAt?: string;
  /** When Entra denies the request if the stage is still undecided. */
  deniesAt?: string;
  /** The escalation time has come: the escalation approvers may decide too. */
  escalated?: boolean;
  decision?: ApprovalDecision;
}
