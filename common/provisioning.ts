// Types shared by the workflow, the worker and the client, so that none of them can drift from the others.

import type { ApprovalProgress, ApprovalSettings, RequestedBy } from './approvals.js';
import type { ObjectKey } from './object-keys.js';

export const TASK_QUEUE = 'entra-saga';

/** The task queue a run's Graph writes go to; its rate limit is the tenant's write budget. */
export function graphWritesQueue(taskQueue: string): string {
  return `${taskQueue}-graph-writes`;
}

/** What the operator wants done once access is verified. */
export type CleanupMode = 'now' | 'keep' | 'hold';
export const cleanupModes: readonly CleanupMode[] = ['now', 'keep', 'hold'];

/** One provisioning run: the tutorial's inputs. Optional fields have the tutorial's defaults (see defaults.ts). */
export interface ProvisioningInput {
  /** Requestor1@contoso.onmicrosoft.com: the user to create (or adopt) and assign. */
  requestorUpn: string;
  /** Display name of the requestor; default: the UPN's alias. */
  requestorDisplayName?: string;
  /**
   * "Marketing resources": the security group the access package grants membership of — the tutorial's one resource.
   * Not used when `resources` is given.
   */
  groupName?: string;
  /** The group's mailNickname, its lookup key; default derived from groupName. */
  groupMailNickname?: string;
  /**
   * The package's resources, when it holds more than the tutorial's group: groups (created or adopted), applications
   * and SharePoint Online sites (found, never created), each with the role the package grants.
   */
  resources?: ResourceSpec[];
  /** "Marketing Campaign". */
  packageName: string;
  /** "General". */
  catalogName: string;
  /** "Specific users". */
  policyName?: string;
  /** Days until the assignment expires (1–3650). Default 30. */
  durationDays: number;
  cleanup: CleanupMode;
  /** How long to wait for the request to be delivered before failing the run. Default 900 s. */
  deliveryTimeoutSeconds?: number;
  /** Validate and run the read-only preflight, then stop: nothing is written. */
  dryRun?: boolean;
  /** Who asks for the assignment: the worker (`operator`, adminAdd — the default) or the requestor (userAdd). */
  requestedBy?: RequestedBy;
  /** When the requestor asks: hours the run waits for the request before rolling back (1–720, default 168). */
  requestTimeoutHours?: number;
  /** Approval stages on the policy the run creates; without them, no approval. */
  approval?: ApprovalSettings;
}

export type ResourceKind = 'group' | 'app' | 'site';

/** One resource of the access package, and the role of it the package grants. */
export type ResourceSpec =
  /** A security group, created or adopted by its mailNickname (derived from the name when not given); role Member. */
  | { kind: 'group'; name: string; mailNickname?: string; role?: string }
  /** An application, by its appId or display name; role: an app role's value or display name ("Default Access"). */
  | { kind: 'app'; app: string; role?: string }
  /** A SharePoint Online site, by its URL; role: a site role's name, e.g. "Members". */
  | { kind: 'site'; url: string; role: string };

/** The saga's steps, in the order an operator reads them. */
const stepNames = [
  'validate',
  'preflight',
  'resolveApprovers',
  'findApplication',
  'findSite',
  'createUser',
  'createGroup',
  'addGroupToCatalog',
  'addResourceToCatalog',
  'findCatalogResource',
  'findMemberRole',
  'findResourceRole',
  'createAccessPackage',
  'addRoleScope',
  'createPolicy',
  'requestAssignment',
  'awaitRequest',
  'awaitApproval',
  'awaitDelivery',
  'verify',
  'teardown',
] as const;
type StepName = (typeof stepNames)[number];
/** A step, or one resource's step of a package of several: `addRoleScope (app "Expenses")`. */
export type StepKey = StepName | `${StepName} (${string})`;

/** The steps of a progress in the order an operator reads them: by step, then by resource in the order they began. */
export function orderedSteps(progress: Pick<Progress, 'steps'>): [StepKey, StepProgress][] {
  const rank = (key: string) => stepNames.indexOf(key.split(' (')[0] as StepName);
  return (Object.entries(progress.steps) as [StepKey, StepProgress][]).sort(([a], [b]) => rank(a) - rank(b));
}

type StepState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

/** The stage shown in the ProvisioningStage search attribute. */
export type Stage =
  | 'Validating'
  | 'Provisioning'
  | 'AwaitingRequest'
  | 'AwaitingApproval'
  | 'AwaitingDelivery'
  | 'Verifying'
  | 'Holding'
  | 'TearingDown'
  | 'Compensating'
  | 'Done';

export type Outcome = 'completed' | 'compensated' | 'failed' | 'cancelled';

/**
 * Something the run touched in the directory. `created: false` means it existed before and was adopted. For an
 * `assignment` the id is that of the assignment request.
 */
export interface ObjectRecord {
  kind: ObjectKind;
  id: string;
  /** Human name for messages: UPN, display name, or the ids it joins. */
  name: string;
  created: boolean;
  /** The business key the object is made and removed by (every kind but the assignment). */
  key?: ObjectKey;
  /** Copies of the object that runs had made besides it (a create whose outcome was unknown), found and deleted. */
  strays?: string[];
}
export type ObjectKind =
  'user' | 'group' | 'catalogResource' | 'accessPackage' | 'roleScope' | 'assignmentPolicy' | 'assignment';

/**
 * One undo (compensation or teardown step) and how it went: `undone` (deleted, and a read confirmed it), `alreadyGone`
 * (nothing of this run's was there), `skippedAdopted` (it existed before any run: never removed), `leftInUse` (another
 * run still holds it: the last of them removes it), `failed`.
 */
export interface UndoRecord {
  kind: ObjectKind;
  name: string;
  id?: string;
  outcome: 'undone' | 'alreadyGone' | 'failed' | 'skippedAdopted' | 'leftInUse';
  error?: string;
  /** Stray copies of the object (made by runs, besides it) that the undo deleted too. */
  strays?: string[];
}

export interface StepProgress {
  state: StepState;
  startedAt?: string;
  endedAt?: string;
  detail?: string;
}

export interface Progress {
  workflowId: string;
  stage: Stage;
  steps: Partial<Record<StepKey, StepProgress>>;
  /** The assignment request's state while polling, e.g. "delivering". */
  requestState?: string;
  objects: ObjectRecord[];
  undone: UndoRecord[];
  error?: string;
  /** Who asks, and the approval stages, when the requestor asks or the policy needs approval. */
  approval?: ApprovalProgress;
}

export interface ProvisioningResult {
  workflowId: string;
  outcome: 'completed';
  cleanup: CleanupMode;
  /** True when the run removed what it created (cleanup now, or a hold that ended). */
  tornDown: boolean;
  /** A dry run: validated and preflighted, nothing written. */
  dryRun: boolean;
  /** The catalog's id (a later teardown of a kept run needs it). */
  catalogId: string;
  objects: ObjectRecord[];
  undone: UndoRecord[];
  /** The assignment request id and its final state. */
  request: { id: string; state: string };
}

/** The ids a later teardown of a kept run needs, taken from its result. */
export interface TeardownInput {
  workflowId: string;
  objects: ObjectRecord[];
  catalogId: string;
}
