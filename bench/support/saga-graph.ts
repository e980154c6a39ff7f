// The saga's dependency graph (cleanup "now"), as workflows/provision-access-package.ts and workflows/undo.ts run it:
// each step is one activity (or one wait), lists the Graph calls it makes one after another on its happy path
// (lookups included), and starts when the steps it depends on have finished. Steps with no path between them run
// side by side, so their branches count once. A step whose parent object the run has just created skips its
// idempotency lookup on a first attempt (nothing can be there yet), so its happy path is the write alone.
//
// The critical path is the longest way through this graph when every call costs the emulator's latency, a call naming
// an object the run has just created waits until that object has replicated (the profile's replication lag: the
// latency of that edge), and a status read waits for the request's delivery: the least time any client making these
// calls in this order could take. With `lagMs` 0 it is the path of the call latencies and the deliveries alone.
//
// The model is checked against each measured run: its calls per route are compared with the emulator's counts, so a
// change to the saga that the model does not follow shows up in the report.

const EM = '/v1.0/identityGovernance/entitlementManagement';

/** A wait a call cannot start before: `object` created plus the replication lag, or plus the delivery delay. */
interface Need {
  object: string;
  wait: 'lag' | 'delivery';
}

interface CallModel {
  /** The emulator's stats key: "METHOD route-template". */
  route: string;
  needs?: Need[];
  /** The object this call creates (when its response arrives). */
  creates?: string;
}

export interface StepModel {
  name: string;
  after: string[];
  calls: CallModel[];
}

const lag = (...objects: string[]): Need[] => objects.map((object) => ({ object, wait: 'lag' }));

export const sagaGraph: readonly StepModel[] = [
  // Preflight: the worker's permissions (its token, no Graph call) ∥ the requestor's domain ∥ the catalog.
  { name: 'checkPermissions', after: [], calls: [] },
  { name: 'checkRequestorDomain', after: [], calls: [{ route: 'GET /v1.0/domains/{id}' }] },
  { name: 'findCatalog', after: [], calls: [{ route: `GET ${EM}/catalogs` }] },
  // The user ∥ the group: look up by key (they may exist before the run), then create.
  {
    name: 'createUser',
    after: ['checkPermissions', 'checkRequestorDomain', 'findCatalog'],
    calls: [{ route: 'GET /v1.0/users/{id}' }, { route: 'POST /v1.0/users', creates: 'user' }],
  },
  {
    name: 'createGroup',
    after: ['checkPermissions', 'checkRequestorDomain', 'findCatalog'],
    calls: [{ route: 'GET /v1.0/groups' }, { route: 'POST /v1.0/groups', creates: 'group' }],
  },
  // The catalog branch ∥ the access package, then its policy (which needs only the package and the user).
  {
    name: 'addGroupToCatalog',
    after: ['createUser', 'createGroup'],
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
    after: ['createUser', 'createGroup'],
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
    calls: [{ route: `POST ${EM}/accessPackages/{id}/resourceRoleScopes`, needs: lag('package', 'resource') }],
  },
  {
    name: 'requestAssignment',
    after: ['addRoleScope'],
    calls: [{ route: `POST ${EM}/assignmentRequests`, needs: lag('policy', 'user'), creates: 'addRequest' }],
  },
  // Delivery: the request is read once it can be delivered.
  {
    name: 'awaitDelivery',
    after: ['requestAssignment'],
    calls: [{ route: `GET ${EM}/assignmentRequests/{id}`, needs: [{ object: 'addRequest', wait: 'delivery' }] }],
  },
  // Verification: the assignment ∥ the membership.
  { name: 'verifyAssignment', after: ['awaitDelivery'], calls: [{ route: `GET ${EM}/assignments` }] },
  { name: 'verifyMembership', after: ['awaitDelivery'], calls: [{ route: 'GET /v1.0/groups/{id}/members' }] },
  // Clean-up, in dependency order. The run has seen its assignment delivered and knows its id: the removal is asked
  // for at once.
  {
    name: 'requestRemoval',
    after: ['verifyAssignment', 'verifyMembership'],
    calls: [{ route: `POST ${EM}/assignmentRequests`, creates: 'removeRequest' }],
  },
  {
    name: 'awaitRemoval',
    after: ['requestRemoval'],
    calls: [{ route: `GET ${EM}/assignmentRequests/{id}`, needs: [{ object: 'removeRequest', wait: 'delivery' }] }],
  },
  { name: 'deletePolicy', after: ['awaitRemoval'], calls: [{ route: `DELETE ${EM}/assignmentPolicies/{id}` }] },
  // The role scope goes with the package this run created: no call of its own.
  { name: 'deleteAccessPackage', after: ['deletePolicy'], calls: [{ route: `DELETE ${EM}/accessPackages/{id}` }] },
  { name: 'removeGroupFromCatalog', after: ['deleteAccessPackage'], calls: [{ route: `POST ${EM}/resourceRequests` }] },
  { name: 'deleteGroup', after: ['removeGroupFromCatalog'], calls: [{ route: 'DELETE /v1.0/groups/{id}' }] },
  { name: 'deleteUser', after: ['removeGroupFromCatalog'], calls: [{ route: 'DELETE /v1.0/users/{id}' }] },
];

export interface Timing {
  latencyMs: number;
  deliveryDelayMs: number;
  /** The profile's replication lag; 0 for the path of the call latencies and deliveries alone. */
  lagMs: number;
}

export interface CriticalPath {
  totalMs: number;
  /** Graph calls along the path. */
  calls: number;
  /** Delivery waits along the path (the add and the removal). */
  deliveryWaits: number;
  /** Time spent waiting for replication along the path. */
  lagWaitMs: number;
  /** The steps of the longest path, first to last. */
  steps: string[];
}

/** Simulates the graph with every step starting as early as its dependencies and waits allow. */
export function criticalPath(graph: readonly StepModel[], timing: Timing): CriticalPath {
  interface Done {
    finish: number;
    calls: number;
    deliveryWaits: number;
    lagWaitMs: number;
    steps: string[];
  }
  const done = new Map<string, Done>();
  const created = new Map<string, { at: number; by: Done }>();
  for (const step of graph) {
    // The latest-finishing dependency decides when this step starts; the path runs through it.
    let from: Done = { finish: 0, calls: 0, deliveryWaits: 0, lagWaitMs: 0, steps: [] };
    for (const name of step.after) {
      const dependency = done.get(name);
      if (!dependency)
        throw new Error(`saga graph: ${step.name} depends on ${name}, which comes later or does not exist`);
      if (dependency.finish > from.finish) from = dependency;
    }
    let path = { ...from, steps: [...from.steps, step.name] };
    let t = from.finish;
    for (const call of step.calls) {
      for (const need of call.needs ?? []) {
        const object = created.get(need.object);
        if (!object) throw new Error(`saga graph: ${step.name} needs ${need.object} before any step creates it`);
        const ready = object.at + (need.wait === 'lag' ? timing.lagMs : timing.deliveryDelayMs);
        if (ready <= t) continue;
        // Waiting on an object moves the path onto the step that created it.
        const base = object.by;
        path =
          need.wait === 'delivery'
            ? { ...base, deliveryWaits: base.deliveryWaits + 1, steps: [...base.steps, step.name] }
            : {
                ...base,
                lagWaitMs: base.lagWaitMs + (ready - base.finish),
                steps: [...base.steps, `(replication of ${need.object})`, step.name],
              };
        t = ready;
      }
      t += timing.latencyMs;
      path = { ...path, calls: path.calls + 1 };
      if (call.creates) created.set(call.creates, { at: t, by: { ...path, finish: t } });
    }
    done.set(step.name, { ...path, finish: t });
  }
  const last = [...done.values()].reduce((a, b) => (b.finish > a.finish ? b : a));
  return {
    totalMs: last.finish,
    calls: last.calls,
    deliveryWaits: last.deliveryWaits,
    lagWaitMs: last.lagWaitMs,
    steps: last.steps,
  };
}

/** The model's Graph calls per route, to compare with what the emulator counted. */
export function modelledCalls(graph: readonly StepModel[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const step of graph) for (const call of step.calls) counts.set(call.route, (counts.get(call.route) ?? 0) + 1);
  return counts;
}
