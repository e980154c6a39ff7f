// The oracle: a plain client that makes the strict model's Graph calls (saga-graph.ts) — the saga's calls, step by
// step, in the saga's dependency order — each at the earliest moment the model allows. It knows the profile (latency,
// replication lag, delivery delay) and its own calls' answer times, so it sends a call naming a new object L before
// the object replicates, and reads a request L before it is delivered; steps run side by side where the graph
// allows. It goes through the project's Graph client with the emulator's credentials, like the sequential baseline.
//
// The bound counts Graph's latency, not the client's TLS handshakes, so the oracle keeps its connections open: it opens
// them before its clock starts, as many as it has calls in flight at its start, and holds an idle one for as long as
// the server does (5 s on the emulator), where Node's fetch lets it go after 3 s and reopens it for the next call
// (undici's pool sends each request on its first free connection, open or not). A connection idle for longer still
// (across a delivery of the 7.3 s profile) is opened again inside the run, and that counts.
//
// A package of a group, an app role and a site (saga-graph.ts's `threeResourceGraph`) runs each resource's steps with
// the calls the saga's activities make for its kind: an app is found by its display name, an app or a site is looked up
// in the catalog before it is added, the app role's holders are read beside the group's members.
//
// It takes no second chances: a lookup that finds something, a write refused, a request not yet delivered, a delete
// still readable all fail the run. A run that completes therefore shows that the model's moments are reachable, and
// its time how close a client can come to the bound.

import { randomUUID } from 'node:crypto';
import { type Client, GraphError, type GraphRequest } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';
import { policyBody } from '../../activities/policies.js';
import { createGraphClient } from '../../graph/client.js';
import { trustedCas } from '../../graph/credential.js';
import type { GraphSettings } from '../../graph/settings.js';
import type { TutorialNames } from '../sequential-baseline.js';
import { sleep } from './numbers.js';
import {
  type CallModel,
  type PackageShape,
  type ResourceKind,
  type StepModel,
  type Timing,
  activityOf,
  packageGraphs,
  resourceOf,
} from './saga-graph.js';

const EM = '/identityGovernance/entitlementManagement';

interface Entity {
  id: string;
}

interface List<T> {
  value: T[];
}

/** What the run learns as it goes: the ids later calls name; a resource's, per resource. */
type Id =
  | 'catalog'
  | 'user'
  | 'group'
  | 'servicePrincipal'
  | 'appRole'
  | 'package'
  | 'policy'
  | 'addRequest'
  | 'assignment'
  | 'removeRequest'
  | `${'resource' | 'scope' | 'scopeOrigin' | 'role' | 'roleOrigin' | 'roleScope'}:${ResourceKind}`;

/** The app and the site a package of three resources grants a role of (the emulator's seeded ones). */
export interface PackageResources {
  app: { displayName: string; role: string };
  site: { url: string; role: string };
}

/** Sends the step's next modelled call once its moment has come; resolves to Graph's answer. */
type Send = <T>(request: () => Promise<T>) => Promise<T>;

interface StepContext {
  /** A Graph request on the oracle's connections. */
  api(path: string): GraphRequest;
  names: TutorialNames;
  resources?: PackageResources;
  /** The resource the step is for (the tutorial's steps: its group). */
  kind: ResourceKind;
  send: Send;
  id(name: Id): string;
  learn(name: Id, value: string): void;
}

export interface OracleResult {
  elapsedMs: number;
  /** Each call: its step, when it was sent and when it answered, in ms from the start. */
  calls: { step: string; sentMs: number; answeredMs: number }[];
}

class OracleError extends Error {
  override name = 'OracleError';
}

/** A call that must answer 404 (a lookup of what is not made yet, a read confirming a delete). */
async function expectNotFound(what: string, request: () => Promise<unknown>): Promise<void> {
  try {
    await request();
  } catch (error) {
    if (error instanceof GraphError && error.statusCode === 404) return;
    throw error;
  }
  throw new OracleError(`${what} is still there`);
}

function expectEmpty(what: string, page: List<unknown>): void {
  if (page.value.length) throw new OracleError(`${what}: found ${page.value.length}, expected none`);
}

async function readDelivered(c: StepContext, request: Id): Promise<void> {
  const read = await c.send(
    () =>
      c
        .api(`${EM}/assignmentRequests/${c.id(request)}`)
        .select('id,requestType,state,status,createdDateTime,completedDateTime')
        .get() as Promise<{ state: string }>,
  );
  if (read.state !== 'delivered') throw new OracleError(`the ${request} read ${read.state}, not delivered`);
}

async function deleteConfirmed(c: StepContext, path: string): Promise<void> {
  await c.send(() => c.api(path).delete() as Promise<unknown>);
  await c.send(() => expectNotFound(path, () => c.api(path).get() as Promise<unknown>));
}

const originSystems: Record<ResourceKind, string> = {
  group: 'AadGroup',
  app: 'AadApplication',
  site: 'SharePointOnline',
};

/** What Graph knows the step's resource by in the catalog: the group's id, the app's service principal, the site's URL. */
function originOf(c: StepContext): string {
  switch (c.kind) {
    case 'group':
      return c.id('group');
    case 'app':
      return c.id('servicePrincipal');
    case 'site':
      return (c.resources as PackageResources).site.url;
  }
}

function resourceLookup(c: StepContext, expandScopes: boolean) {
  const request = c.api(`${EM}/catalogs/${c.id('catalog')}/resources`).filter(`originId eq '${originOf(c)}'`);
  return (expandScopes ? request.expand('scopes') : request).get() as Promise<
    List<Entity & { scopes?: { id: string; originId: string; isRootScope?: boolean }[] }>
  >;
}

function resourceRequest(c: StepContext, requestType: 'adminAdd' | 'adminRemove') {
  return c.api(`${EM}/resourceRequests`).post({
    requestType,
    resource: { originId: originOf(c), originSystem: originSystems[c.kind] },
    catalog: { id: c.id('catalog') },
  }) as Promise<Entity>;
}

async function addToCatalog(c: StepContext): Promise<void> {
  await c.send(() => resourceRequest(c, 'adminAdd'));
}

/** A role of the step's resource, as the saga's findMemberRole and findResourceRole pick it. */
async function findRole(c: StepContext): Promise<void> {
  const page = await c.send(
    () =>
      c
        .api(`${EM}/catalogs/${c.id('catalog')}/resourceRoles`)
        .filter(`(originSystem eq '${originSystems[c.kind]}' and resource/id eq '${c.id(`resource:${c.kind}`)}')`)
        .get() as Promise<List<Entity & { displayName: string; originId: string }>>,
  );
  const wanted = (r: { displayName: string; originId: string }) =>
    c.kind === 'group'
      ? r.displayName === 'Member'
      : c.kind === 'app'
        ? r.originId === c.id('appRole')
        : r.displayName.endsWith(` ${(c.resources as PackageResources).site.role}`);
  const role = page.value.find(wanted);
  if (!role) throw new OracleError(`the ${c.kind}'s role is not visible`);
  c.learn(`role:${c.kind}`, role.id);
  c.learn(`roleOrigin:${c.kind}`, role.originId);
}

/** The activities of the model, by type: each one's calls, in the model's order, the same requests the activities send. */
type Activity =
  | 'checkRequestorDomain'
  | 'findCatalog'
  | 'createUser'
  | 'createGroup'
  | 'findApplication'
  | 'addGroupToCatalog'
  | 'addResourceToCatalog'
  | 'findCatalogResource'
  | 'findMemberRole'
  | 'findResourceRole'
  | 'createAccessPackage'
  | 'createPolicy'
  | 'addRoleScope'
  | 'requestAssignment'
  | 'awaitDelivery'
  | 'listPolicyAssignments'
  | 'listGroupMembers'
  | 'listAppRoleAssignedTo'
  | 'requestRemoval'
  | 'awaitRemoval'
  | 'deletePolicy'
  | 'removeRoleScope'
  | 'deleteAccessPackage'
  | 'removeGroupFromCatalog'
  | 'removeResourceFromCatalog'
  | 'deleteGroup'
  | 'deleteUser';

async function removeFromCatalog(c: StepContext): Promise<void> {
  await c.send(() => resourceRequest(c, 'adminRemove'));
  expectEmpty(`the ${c.kind}'s catalog resource`, await c.send(() => resourceLookup(c, false)));
}

const steps: Record<Activity, (c: StepContext) => Promise<void>> = {
  checkRequestorDomain: async (c) => {
    const domain = c.names.requestorUpn.slice(c.names.requestorUpn.indexOf('@') + 1);
    await c.send(() => c.api(`/domains/${domain}`).get() as Promise<unknown>);
  },
  findCatalog: async (c) => {
    const page = await c.send(
      () =>
        c
          .api(`${EM}/catalogs`)
          .filter(`displayName eq '${c.names.catalogName}'`)
          .select('id,displayName,state')
          .get() as Promise<List<Entity>>,
    );
    const catalog = page.value[0];
    if (!catalog) throw new OracleError(`no catalog ${c.names.catalogName}`);
    c.learn('catalog', catalog.id);
  },
  createUser: async (c) => {
    const upn = c.names.requestorUpn;
    await c.send(() =>
      expectNotFound(
        `user ${upn}`,
        () =>
          c
            .api(`/users/${encodeURIComponent(upn)}`)
            .select('id,userPrincipalName,createdDateTime')
            .get() as Promise<unknown>,
      ),
    );
    const alias = upn.slice(0, upn.indexOf('@'));
    const user = await c.send(
      () =>
        c.api('/users').post({
          accountEnabled: true,
          displayName: alias,
          mailNickname: alias,
          userPrincipalName: upn,
          passwordProfile: { forceChangePasswordNextSignIn: true, password: `Oracle-${randomUUID()}` },
        }) as Promise<Entity>,
    );
    c.learn('user', user.id);
  },
  createGroup: async (c) => {
    const nickname = c.names.groupMailNickname;
    const page = await c.send(
      () =>
        c
          .api('/groups')
          .filter(`mailNickname eq '${nickname}'`)
          .select('id,displayName,mailNickname,createdDateTime')
          .get() as Promise<List<Entity>>,
    );
    expectEmpty(`group ${nickname}`, page);
    const group = await c.send(
      () =>
        c.api('/groups').post({
          displayName: c.names.groupName,
          description: c.names.groupName,
          mailEnabled: false,
          mailNickname: nickname,
          securityEnabled: true,
        }) as Promise<Entity>,
    );
    c.learn('group', group.id);
  },
  findApplication: async (c) => {
    const app = (c.resources as PackageResources).app;
    const page = await c.send(
      () =>
        c
          .api('/servicePrincipals')
          .filter(`displayName eq '${app.displayName}'`)
          .select('id,appId,displayName,appRoles')
          .get() as Promise<List<Entity & { appRoles?: { id: string; value?: string }[] }>>,
    );
    const sp = page.value[0];
    const role = sp?.appRoles?.find((r) => r.value === app.role);
    if (!sp || !role) throw new OracleError(`no application ${app.displayName} with a role ${app.role}`);
    c.learn('servicePrincipal', sp.id);
    c.learn('appRole', role.id);
  },
  addGroupToCatalog: addToCatalog,
  addResourceToCatalog: async (c) => {
    expectEmpty(`${c.kind} in the catalog`, await c.send(() => resourceLookup(c, false)));
    await addToCatalog(c);
  },
  findCatalogResource: async (c) => {
    const resource = (await c.send(() => resourceLookup(c, true))).value[0];
    const scope = resource?.scopes?.find((s) => s.isRootScope);
    if (!resource || !scope) throw new OracleError(`the ${c.kind}'s catalog resource or its root scope is not visible`);
    c.learn(`resource:${c.kind}`, resource.id);
    c.learn(`scope:${c.kind}`, scope.id);
    c.learn(`scopeOrigin:${c.kind}`, scope.originId);
  },
  findMemberRole: findRole,
  findResourceRole: findRole,
  createAccessPackage: async (c) => {
    const page = await c.send(
      () =>
        c
          .api(`${EM}/accessPackages`)
          .filter(`displayName eq '${c.names.packageName}'`)
          .expand('catalog')
          .get() as Promise<List<Entity>>,
    );
    expectEmpty(`access package ${c.names.packageName}`, page);
    const made = await c.send(
      () =>
        c.api(`${EM}/accessPackages`).post({
          displayName: c.names.packageName,
          description: c.names.packageName,
          isHidden: false,
          catalog: { id: c.id('catalog') },
        }) as Promise<Entity>,
    );
    c.learn('package', made.id);
  },
  createPolicy: async (c) => {
    const body = policyBody({
      accessPackageId: c.id('package'),
      displayName: c.names.policyName,
      description: `${c.names.policyName} can request assignment`,
      requestorId: c.id('user'),
      durationDays: 30,
    });
    const policy = await c.send(() => c.api(`${EM}/assignmentPolicies`).post(body) as Promise<Entity>);
    c.learn('policy', policy.id);
  },
  addRoleScope: async (c) => {
    const k = c.kind;
    const originSystem = originSystems[k];
    const roleScope = await c.send(
      () =>
        c.api(`${EM}/accessPackages/${c.id('package')}/resourceRoleScopes`).post({
          role: {
            id: c.id(`role:${k}`),
            originId: c.id(`roleOrigin:${k}`),
            originSystem,
            resource: { id: c.id(`resource:${k}`) },
          },
          scope: { id: c.id(`scope:${k}`), originId: c.id(`scopeOrigin:${k}`), originSystem, isRootScope: true },
        }) as Promise<Entity>,
    );
    c.learn(`roleScope:${k}`, roleScope.id);
  },
  requestAssignment: async (c) => {
    const request = await c.send(
      () =>
        c.api(`${EM}/assignmentRequests`).post({
          requestType: 'adminAdd',
          assignment: { targetId: c.id('user'), assignmentPolicyId: c.id('policy'), accessPackageId: c.id('package') },
        }) as Promise<Entity>,
    );
    c.learn('addRequest', request.id);
  },
  awaitDelivery: (c) => readDelivered(c, 'addRequest'),
  listPolicyAssignments: async (c) => {
    const page = await c.send(
      () =>
        c
          .api(`${EM}/assignments`)
          .filter(`assignmentPolicy/id eq '${c.id('policy')}'`)
          .expand('target')
          .get() as Promise<List<Entity & { state: string; target?: { objectId?: string } }>>,
    );
    const assignment = page.value.find((a) => a.target?.objectId === c.id('user') && a.state === 'delivered');
    if (!assignment) throw new OracleError('the assignment is not listed as delivered');
    c.learn('assignment', assignment.id);
  },
  listGroupMembers: async (c) => {
    const page = await c.send(
      () => c.api(`/groups/${c.id('group')}/members?$select=id`).get() as Promise<List<Entity>>,
    );
    if (!page.value.some((m) => m.id === c.id('user'))) throw new OracleError('the requestor is not a member yet');
  },
  listAppRoleAssignedTo: async (c) => {
    const page = await c.send(
      () =>
        c.api(`/servicePrincipals/${c.id('servicePrincipal')}/appRoleAssignedTo`).get() as Promise<
          List<{ principalId: string; appRoleId: string }>
        >,
    );
    if (!page.value.some((a) => a.principalId === c.id('user') && a.appRoleId === c.id('appRole')))
      throw new OracleError('the requestor does not hold the app role yet');
  },
  requestRemoval: async (c) => {
    const request = await c.send(
      () =>
        c
          .api(`${EM}/assignmentRequests`)
          .post({ requestType: 'adminRemove', assignment: { id: c.id('assignment') } }) as Promise<Entity>,
    );
    c.learn('removeRequest', request.id);
  },
  awaitRemoval: (c) => readDelivered(c, 'removeRequest'),
  deletePolicy: (c) => deleteConfirmed(c, `${EM}/assignmentPolicies/${c.id('policy')}`),
  removeRoleScope: (c) =>
    deleteConfirmed(c, `${EM}/accessPackages/${c.id('package')}/resourceRoleScopes/${c.id(`roleScope:${c.kind}`)}`),
  deleteAccessPackage: (c) => deleteConfirmed(c, `${EM}/accessPackages/${c.id('package')}`),
  removeGroupFromCatalog: removeFromCatalog,
  removeResourceFromCatalog: removeFromCatalog,
  deleteGroup: (c) => deleteConfirmed(c, `/groups/${c.id('group')}`),
  deleteUser: (c) => deleteConfirmed(c, `/users/${c.id('user')}`),
};

/** The emulator's server closes a connection idle for 5 s; the client lets it go a little sooner, never after. */
const keepAliveMs = 4_700;

export interface Oracle {
  /** Opens the connections the next run starts with (reads of the tenant's domain), before its clock starts. */
  openConnections(names: TutorialNames): Promise<void>;
  /** Runs the model's calls once, clean-up included; throws when any answer is not the one the model expects. */
  run(names: TutorialNames, timing: Timing): Promise<OracleResult>;
  close(): Promise<void>;
}

/** An oracle of the package `shape`; a package of three resources names its app and site in `resources`. */
export function createOracle(settings: GraphSettings, shape: PackageShape, resources?: PackageResources): Oracle {
  const model = packageGraphs[shape];
  // The calls in flight at the start: one per step that waits for nothing (the most at any moment).
  const firstCalls = model.filter((s) => s.after.length === 0).length;
  const graph: Client = createGraphClient(settings);
  // Node's fetch keeps an idle connection for the server's keep-alive hint less 2 s: here, 3 s of the emulator's 5 s.
  const connections = new Agent({
    connect: { ca: trustedCas(settings) },
    keepAliveTimeout: keepAliveMs,
    keepAliveTimeoutThreshold: 5_000 - keepAliveMs,
  });
  const api = (path: string) => graph.api(path).options({ dispatcher: connections });
  return {
    async openConnections(names) {
      const domain = names.requestorUpn.slice(names.requestorUpn.indexOf('@') + 1);
      await Promise.all(Array.from({ length: firstCalls }, () => api(`/domains/${domain}`).get() as Promise<unknown>));
    },
    run: (names, timing) => runOnce({ api, model, names, resources }, timing),
    close: () => connections.close(),
  };
}

async function runOnce(
  run: {
    api: (path: string) => GraphRequest;
    model: readonly StepModel[];
    names: TutorialNames;
    resources?: PackageResources;
  },
  timing: Timing,
): Promise<OracleResult> {
  const { api, model, names, resources } = run;
  const ids = new Map<Id, string>();
  /** When each made thing's create answered (performance.now()). */
  const madeAt = new Map<string, number>();
  const calls: OracleResult['calls'] = [];
  const started = performance.now();

  /** The moment a call may be sent: L before the latest moment it needs (its objects replicated, its request delivered). */
  const sendAt = (call: CallModel): number => {
    let at = 0;
    for (const need of call.needs ?? []) {
      const made = madeAt.get(need.thing);
      if (made === undefined) throw new OracleError(`a call needs ${need.thing} before it was made`);
      at = Math.max(at, made + (need.wait === 'lag' ? timing.lagMs : timing.deliveryDelayMs) - timing.latencyMs);
    }
    return at;
  };

  const runStep = async (step: StepModel): Promise<void> => {
    const left = [...step.calls];
    const send: Send = async (request) => {
      const call = left.shift();
      if (!call) throw new OracleError(`${step.name} made more calls than the model`);
      const wait = sendAt(call) - performance.now();
      if (wait > 0) await sleep(wait);
      const sentMs = performance.now() - started;
      const answer = await request();
      const answered = performance.now();
      calls.push({ step: step.name, sentMs, answeredMs: answered - started });
      if (call.creates) madeAt.set(call.creates, answered);
      return answer;
    };
    const context: StepContext = {
      api,
      names,
      resources,
      kind: resourceOf(step.name),
      send,
      id(name) {
        const value = ids.get(name);
        if (value === undefined) throw new OracleError(`${step.name} needs the ${name} id before it is known`);
        return value;
      },
      learn: (name, value) => void ids.set(name, value),
    };
    const activity = steps[activityOf(step.name) as Activity] as ((c: StepContext) => Promise<void>) | undefined;
    if (!activity) throw new OracleError(`the oracle has no calls for ${step.name}`);
    await activity(context);
    if (left.length) throw new OracleError(`${step.name} made fewer calls than the model`);
  };

  // Every step starts once the steps before it have finished; the graph lists a step after those it waits for.
  const finished = new Map<string, Promise<void>>();
  for (const step of model) {
    const inputs = step.after.map((name) => finished.get(name) ?? Promise.reject(new OracleError(`no step ${name}`)));
    finished.set(
      step.name,
      Promise.all(inputs).then(() => runStep(step)),
    );
  }
  await Promise.all(finished.values());
  return { elapsedMs: performance.now() - started, calls };
}
