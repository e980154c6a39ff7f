// The strict critical path of one provisioning run (cleanup "now"): the least time any client can take to make the
// saga's Graph calls in the saga's dependency order, against an emulator profile (latency L, replication lag, delivery
// delay D).
//
// The calls are the saga's own on its happy path, step by step as workflows/provision-access-package.ts, steps.ts and
// undo.ts run them: a step is one activity, its calls are made one after another, and it starts when the steps the
// workflow awaits before it have finished; steps with no path between them run side by side. Lookups are made where
// the saga makes them (the user, the group and the package by key) and skipped where it skips them (under a parent
// the run has just created, and for the assignment under a policy it has just created). Every delete of the undo is
// followed by the read that confirms it. Not modelled: the saga's visibility probes and retried writes (a client that
// knows when an object has replicated needs neither), and the calls of its object coordinators (Temporal, not Graph).
//
// The timing rules follow the emulator exactly (emulator/server/graph-pipeline.ts, emulator/em/lifecycle.ts): its
// latency is spent before a call is handled, and a call takes effect when it is handled, that is when it answers.
//   - A call answers L after it is sent.
//   - It may be sent once the step's previous call has answered (the first: once the step's inputs have).
//   - A call naming an object made moments ago is handled only once the object has replicated (its create's answer +
//     the lag), and a read of a request's state sees it delivered only from its create's answer + D. The call may be
//     sent L before that moment: it then answers at that very moment. No latency is added after a wait.
//
// `previousSagaGraph` and the `previous` rules are the model of release 1.0.0's benchmark — the saga of that release,
// and a call that waited sent only after its wait, so a full latency after each — kept for one release so that its
// ratio can be compared with the figures it gave; drop them with the next.
//
// The model is checked against each measured run: its calls per route are compared with the emulator's counts.

// A package of a group, an app role and a site (`threeResourceGraph`) runs the same steps once per resource, named
// after it as the saga names them — `addResourceToCatalog (app)` — side by side: an application is found beside the
// first creates; an app or a site is looked up in the catalog before it is added (the saga adds a group it has just
// created without one); every role scope waits for every resource's role and the policy; verification reads the app
// role's holders beside the group's members (a site's access is not shown by Graph v1.0); the undo removes each
// role scope, then each catalog resource.
//
const EM = '/v1.0/identityGovernance/entitlementManagement';

/** The kinds of resource a package grants a role in. */
export type ResourceKind = 'group' | 'app' | 'site';

/** A resource's steps and things are named after it (` (app)`), but the tutorial's one group keeps plain names. */
type Suffix = '' | ` (${ResourceKind})`;

/** What a step makes that later calls wait for: replicated objects, and requests on their way. */
type MadeThing =
  'user' | 'group' | `resource${Suffix}` | 'package' | 'policy' | `roleScope${Suffix}` | 'addRequest' | 'removeRequest';

/** A moment a call cannot be handled before: `thing`'s create answered plus the replication lag, or plus D. */
interface Need {
  thing: MadeThing;
  wait: 'lag' | 'delivery';
}

export interface CallModel {
  /** The emulator's stats key: "METHOD route-template". */
  readonly route: string;
  readonly needs?: readonly Need[];
  /** What this call makes, as of its answer. */
  readonly creates?: MadeThing;
}

export interface StepModel {
  /** The activity's type, with the resource it is for when the package has several: `findCatalogResource (app)`. */
  readonly name: string;
  readonly after: readonly string[];
  readonly calls: readonly CallModel[];
}

/** The activity a step of the model is: its name without the resource. */
export const activityOf = (step: string): string => step.replace(/ \(.*\)$/, '');

/** The resource a step of the model is for (the tutorial's steps: its group). */
export const resourceOf = (step: string): ResourceKind =>
  (/ \((group|app|site)\)$/.exec(step)?.[1] as ResourceKind | undefined) ?? 'group';

const lag = (...things: MadeThing[]): Need[] => things.map((thing) => ({ thing, wait: 'lag' }));
const delivery = (thing: MadeThing): Need[] => [{ thing, wait: 'delivery' }];
const first = ['checkRequestorDomain', 'findCatalog', 'createUser', 'createGroup'] as const;
const undoStage2 = ['deletePolicy', 'removeRoleScope'] as const;
const undoStage3 = ['deleteAccessPackage', 'removeGroupFromCatalog'] as const;

/** The saga of this release, cleanup "now". Step names are the activities' (the two status reads apart). */
const sagaGraph = [
  // The preflight (the worker's permissions come from its token: no Graph call) ∥ the user ∥ the group.
  { name: 'checkRequestorDomain', after: [], calls: [{ route: 'GET /v1.0/domains/{id}' }] },
  { name: 'findCatalog', after: [], calls: [{ route: `GET ${EM}/catalogs` }] },
  {
    name: 'createUser',
    after: [],
    calls: [{ route: 'GET /v1.0/users/{id}' }, { route: 'POST /v1.0/users', creates: 'user' }],
  },
  {
    name: 'createGroup',
    after: [],
    calls: [{ route: 'GET /v1.0/groups' }, { route: 'POST /v1.0/groups', creates: 'group' }],
  },
  // The group into the catalog → its resource → its Member role, beside the package → its policy.
  {
    name: 'addGroupToCatalog',
    after: first,
    calls: [{ route: `POST ${EM}/resourceRequests`, needs: lag('group'), creates: 'resource' }],
  },
  {
    name: 'findCatalogResource',
    after: ['addGroupToCatalog'],
    calls: [{ route: `GET ${EM}/catalogs/{catalogId}/resources`, needs: lag('resource') }],
  },
  {
    name: 'findMemberRole',
    after: ['findCatalogResource'],
    calls: [{ route: `GET ${EM}/catalogs/{catalogId}/resourceRoles`, needs: lag('resource') }],
  },
  {
    name: 'createAccessPackage',
    after: first,
    calls: [{ route: `GET ${EM}/accessPackages` }, { route: `POST ${EM}/accessPackages`, creates: 'package' }],
  },
  {
    name: 'createPolicy',
    after: ['createAccessPackage'],
    calls: [{ route: `POST ${EM}/assignmentPolicies`, needs: lag('package', 'user'), creates: 'policy' }],
  },
  {
    name: 'addRoleScope',
    after: ['findMemberRole', 'createAccessPackage', 'createPolicy'],
    calls: [
      {
        route: `POST ${EM}/accessPackages/{id}/resourceRoleScopes`,
        needs: lag('package', 'resource'),
        creates: 'roleScope',
      },
    ],
  },
  {
    name: 'requestAssignment',
    after: ['addRoleScope'],
    calls: [{ route: `POST ${EM}/assignmentRequests`, needs: lag('policy', 'user'), creates: 'addRequest' }],
  },
  {
    name: 'awaitDelivery',
    after: ['requestAssignment'],
    calls: [{ route: `GET ${EM}/assignmentRequests/{id}`, needs: delivery('addRequest') }],
  },
  // Verification: the assignment ∥ the membership.
  { name: 'listPolicyAssignments', after: ['awaitDelivery'], calls: [{ route: `GET ${EM}/assignments` }] },
  {
    name: 'listGroupMembers',
    after: ['awaitDelivery'],
    calls: [{ route: 'GET /v1.0/groups/{id}/members', needs: lag('group') }],
  },
  // The undo, in stages: the assignment (its id known from verification: asked for at once, its removal read when
  // delivered) → policy ∥ role scope → package ∥ catalog resource → group ∥ user; each delete confirmed by a read.
  {
    name: 'requestRemoval',
    after: ['listPolicyAssignments', 'listGroupMembers'],
    calls: [{ route: `POST ${EM}/assignmentRequests`, creates: 'removeRequest' }],
  },
  {
    name: 'awaitRemoval',
    after: ['requestRemoval'],
    calls: [{ route: `GET ${EM}/assignmentRequests/{id}`, needs: delivery('removeRequest') }],
  },
  {
    name: 'deletePolicy',
    after: ['awaitRemoval'],
    calls: [
      { route: `DELETE ${EM}/assignmentPolicies/{id}`, needs: lag('policy') },
      { route: `GET ${EM}/assignmentPolicies/{id}` },
    ],
  },
  {
    name: 'removeRoleScope',
    after: ['awaitRemoval'],
    calls: [
      { route: `DELETE ${EM}/accessPackages/{id}/resourceRoleScopes/{roleScopeId}`, needs: lag('roleScope') },
      { route: `GET ${EM}/accessPackages/{id}/resourceRoleScopes/{roleScopeId}` },
    ],
  },
  {
    name: 'deleteAccessPackage',
    after: undoStage2,
    calls: [
      { route: `DELETE ${EM}/accessPackages/{id}`, needs: lag('package') },
      { route: `GET ${EM}/accessPackages/{id}` },
    ],
  },
  {
    name: 'removeGroupFromCatalog',
    after: undoStage2,
    calls: [
      { route: `POST ${EM}/resourceRequests`, needs: lag('resource') },
      { route: `GET ${EM}/catalogs/{catalogId}/resources` },
    ],
  },
  {
    name: 'deleteGroup',
    after: undoStage3,
    calls: [{ route: 'DELETE /v1.0/groups/{id}', needs: lag('group') }, { route: 'GET /v1.0/groups/{id}' }],
  },
  {
    name: 'deleteUser',
    after: undoStage3,
    calls: [{ route: 'DELETE /v1.0/users/{id}', needs: lag('user') }, { route: 'GET /v1.0/users/{id}' }],
  },
] as const satisfies readonly StepModel[];

type SagaStep = (typeof sagaGraph)[number]['name'];

/** The steps of one resource of a package of several: into the catalog, its catalog resource, its role. */
function resourceSteps(kind: ResourceKind, first: readonly string[]): StepModel[] {
  const s = ` (${kind})` as const;
  const add: StepModel =
    kind === 'group'
      ? {
          name: `addGroupToCatalog${s}`,
          after: first,
          calls: [{ route: `POST ${EM}/resourceRequests`, needs: lag('group'), creates: `resource${s}` }],
        }
      : {
          name: `addResourceToCatalog${s}`,
          after: first,
          calls: [
            { route: `GET ${EM}/catalogs/{catalogId}/resources` },
            { route: `POST ${EM}/resourceRequests`, creates: `resource${s}` },
          ],
        };
  return [
    add,
    {
      name: `findCatalogResource${s}`,
      after: [add.name],
      calls: [{ route: `GET ${EM}/catalogs/{catalogId}/resources`, needs: lag(`resource${s}`) }],
    },
    {
      name: `findResourceRole${s}`,
      after: [`findCatalogResource${s}`],
      calls: [{ route: `GET ${EM}/catalogs/{catalogId}/resourceRoles`, needs: lag(`resource${s}`) }],
    },
  ];
}

const kinds: readonly ResourceKind[] = ['group', 'app', 'site'];
const firstOfThree = [
  'checkRequestorDomain',
  'findCatalog',
  'createUser',
  'createGroup (group)',
  'findApplication (app)',
];
const roleScopes = kinds.map((k) => `addRoleScope (${k})`);
const verifications = ['listPolicyAssignments', 'listGroupMembers (group)', 'listAppRoleAssignedTo (app)'];
const undoStage2OfThree = ['deletePolicy', ...kinds.map((k) => `removeRoleScope (${k})`)];
const undoStage3OfThree = [
  'deleteAccessPackage',
  'removeGroupFromCatalog (group)',
  'removeResourceFromCatalog (app)',
  'removeResourceFromCatalog (site)',
];
const stepOfTutorial = (name: SagaStep) => sagaGraph.find((s) => s.name === name) as StepModel;

/** A package of a new group, an app role (Contoso Expenses' Reader) and a site's Members, cleanup "now". */
const threeResourceGraph: readonly StepModel[] = [
  stepOfTutorial('checkRequestorDomain'),
  stepOfTutorial('findCatalog'),
  stepOfTutorial('createUser'),
  { ...stepOfTutorial('createGroup'), name: 'createGroup (group)' },
  { name: 'findApplication (app)', after: [], calls: [{ route: 'GET /v1.0/servicePrincipals' }] },
  ...kinds.flatMap((k) => resourceSteps(k, firstOfThree)),
  { ...stepOfTutorial('createAccessPackage'), after: firstOfThree },
  stepOfTutorial('createPolicy'),
  ...kinds.map((k): StepModel => ({
    name: `addRoleScope (${k})`,
    after: [...kinds.map((r) => `findResourceRole (${r})`), 'createAccessPackage', 'createPolicy'],
    calls: [
      {
        route: `POST ${EM}/accessPackages/{id}/resourceRoleScopes`,
        needs: lag('package', `resource (${k})`),
        creates: `roleScope (${k})`,
      },
    ],
  })),
  { ...stepOfTutorial('requestAssignment'), after: roleScopes },
  stepOfTutorial('awaitDelivery'),
  stepOfTutorial('listPolicyAssignments'),
  { ...stepOfTutorial('listGroupMembers'), name: 'listGroupMembers (group)' },
  {
    name: 'listAppRoleAssignedTo (app)',
    after: ['awaitDelivery'],
    calls: [{ route: 'GET /v1.0/servicePrincipals/{id}/appRoleAssignedTo' }],
  },
  { ...stepOfTutorial('requestRemoval'), after: verifications },
  stepOfTutorial('awaitRemoval'),
  stepOfTutorial('deletePolicy'),
  ...kinds.map((k): StepModel => ({
    name: `removeRoleScope (${k})`,
    after: ['awaitRemoval'],
    calls: [
      {
        route: `DELETE ${EM}/accessPackages/{id}/resourceRoleScopes/{roleScopeId}`,
        needs: lag(`roleScope (${k})`),
      },
      { route: `GET ${EM}/accessPackages/{id}/resourceRoleScopes/{roleScopeId}` },
    ],
  })),
  { ...stepOfTutorial('deleteAccessPackage'), after: undoStage2OfThree },
  ...kinds.map((k): StepModel => ({
    name: k === 'group' ? 'removeGroupFromCatalog (group)' : `removeResourceFromCatalog (${k})`,
    after: undoStage2OfThree,
    calls: [
      { route: `POST ${EM}/resourceRequests`, needs: lag(`resource (${k})`) },
      { route: `GET ${EM}/catalogs/{catalogId}/resources` },
    ],
  })),
  { ...stepOfTutorial('deleteGroup'), after: undoStage3OfThree },
  { ...stepOfTutorial('deleteUser'), after: undoStage3OfThree },
];

/** The packages the one-run benchmark measures: the tutorial's one group, or a group, an app role and a site. */
export type PackageShape = 'tutorial' | 'three-resources';

export const packageGraphs: Record<PackageShape, readonly StepModel[]> = {
  tutorial: sagaGraph,
  'three-resources': threeResourceGraph,
};

/** A step of this release's saga that release 1.0.0's had too. */
const sameAsNow = (name: SagaStep, after?: readonly string[]): StepModel => {
  const step = sagaGraph.find((s) => s.name === name) as StepModel;
  return after ? { ...step, after } : step;
};

/** Release 1.0.0's model: its saga (the preflight first, no role-scope undo, no confirming reads). */
export const previousSagaGraph: readonly StepModel[] = [
  { name: 'checkPermissions', after: [], calls: [] },
  sameAsNow('checkRequestorDomain'),
  sameAsNow('findCatalog'),
  sameAsNow('createUser', ['checkPermissions', 'checkRequestorDomain', 'findCatalog']),
  sameAsNow('createGroup', ['checkPermissions', 'checkRequestorDomain', 'findCatalog']),
  sameAsNow('addGroupToCatalog', ['createUser', 'createGroup']),
  sameAsNow('findCatalogResource'),
  sameAsNow('findMemberRole'),
  sameAsNow('createAccessPackage', ['createUser', 'createGroup']),
  sameAsNow('createPolicy'),
  sameAsNow('addRoleScope'),
  sameAsNow('requestAssignment'),
  sameAsNow('awaitDelivery'),
  { name: 'verifyAssignment', after: ['awaitDelivery'], calls: [{ route: `GET ${EM}/assignments` }] },
  { name: 'verifyMembership', after: ['awaitDelivery'], calls: [{ route: 'GET /v1.0/groups/{id}/members' }] },
  {
    name: 'requestRemoval',
    after: ['verifyAssignment', 'verifyMembership'],
    calls: [{ route: `POST ${EM}/assignmentRequests`, creates: 'removeRequest' }],
  },
  sameAsNow('awaitRemoval'),
  { name: 'deletePolicy', after: ['awaitRemoval'], calls: [{ route: `DELETE ${EM}/assignmentPolicies/{id}` }] },
  { name: 'deleteAccessPackage', after: ['deletePolicy'], calls: [{ route: `DELETE ${EM}/accessPackages/{id}` }] },
  { name: 'removeGroupFromCatalog', after: ['deleteAccessPackage'], calls: [{ route: `POST ${EM}/resourceRequests` }] },
  { name: 'deleteGroup', after: ['removeGroupFromCatalog'], calls: [{ route: 'DELETE /v1.0/groups/{id}' }] },
  { name: 'deleteUser', after: ['removeGroupFromCatalog'], calls: [{ route: 'DELETE /v1.0/users/{id}' }] },
];

export interface Timing {
  latencyMs: number;
  deliveryDelayMs: number;
  lagMs: number;
}

/** `strict`: a call waits at most until its moment, answering then. `previous`: it is sent after the wait. */
export type TimingRules = 'strict' | 'previous';

export interface CriticalPath {
  totalMs: number;
  /** Calls on the path whose answer their latency decides. */
  calls: number;
  /** Replication and delivery waits on the path, each counted from its create's answer. */
  lagWaitMs: number;
  deliveryWaitMs: number;
  /** The path, first to last: steps, and the waits between them. */
  steps: string[];
  /** When each step of the graph finishes (its last call answers), in ms from the start. */
  finishMs: Record<string, number>;
}

/** One call's answer on the simulated timeline, and what decided it: the call before it, or a wait. */
interface Answer {
  step: string;
  at: number;
  before?: Answer;
  wait?: { need: Need; from: Answer; ms: number };
}

/** Simulates the graph with every call made at the earliest moment the rules allow. */
export function criticalPath(graph: readonly StepModel[], timing: Timing, rules: TimingRules = 'strict'): CriticalPath {
  const last = new Map<string, Answer | undefined>();
  const made = new Map<MadeThing, Answer>();
  const finishMs: Record<string, number> = {};
  for (const step of graph) {
    // The latest-finishing input decides when the step starts; the path runs through it.
    let previous: Answer | undefined;
    for (const name of step.after) {
      if (!last.has(name)) throw new Error(`saga graph: ${step.name} waits for ${name}, which comes later or is none`);
      const input = last.get(name);
      if (input && (!previous || input.at > previous.at)) previous = input;
    }
    for (const call of step.calls) {
      const start = previous?.at ?? 0;
      let answer: Answer = { step: step.name, at: start + timing.latencyMs, before: previous };
      for (const need of call.needs ?? []) {
        const from = made.get(need.thing);
        if (!from) throw new Error(`saga graph: ${step.name} needs ${need.thing} before any step makes it`);
        const ms = need.wait === 'lag' ? timing.lagMs : timing.deliveryDelayMs;
        const at = from.at + ms + (rules === 'previous' ? timing.latencyMs : 0);
        if (at > answer.at) answer = { step: step.name, at, wait: { need, from, ms } };
      }
      if (call.creates) made.set(call.creates, answer);
      previous = answer;
    }
    last.set(step.name, previous);
    finishMs[step.name] = previous?.at ?? 0;
  }
  const end = [...last.values()].reduce<Answer | undefined>((a, b) => (b && (!a || b.at > a.at) ? b : a), undefined);
  const path: CriticalPath = { totalMs: end?.at ?? 0, calls: 0, lagWaitMs: 0, deliveryWaitMs: 0, steps: [], finishMs };
  for (let answer = end; answer;) {
    if (path.steps[0] !== answer.step) path.steps.unshift(answer.step);
    if (!answer.wait) {
      path.calls += 1;
      answer = answer.before;
      continue;
    }
    const { need, from, ms } = answer.wait;
    if (rules === 'previous') path.calls += 1;
    if (need.wait === 'lag') path.lagWaitMs += ms;
    else path.deliveryWaitMs += ms;
    path.steps.unshift(`(${need.wait === 'lag' ? 'replication' : 'delivery'} of ${need.thing})`);
    answer = from;
  }
  return path;
}

/** The model's Graph calls per route, to compare with what the emulator counted. */
export function modelledCalls(graph: readonly StepModel[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const step of graph) for (const call of step.calls) counts.set(call.route, (counts.get(call.route) ?? 0) + 1);
  return counts;
}
