// The sequential baseline: the Microsoft Learn tutorial's Graph calls (v1.0 equivalents) one after another, as a
// script following the tutorial would make them — no parallel steps, no lookups before creating, the request's
// status read every fixed second until delivered. It goes through the project's Graph client (graph/client.ts), so
// it pays the same HTTPS, token and middleware costs as the saga's activities.
//
// A script has to survive Entra's replication lag too: when Graph answers 404 for something the script just
// created (or a lookup of it comes back empty), it sleeps 1 s and tries again.
//
//   npm run bench:baseline -- [--runs 3] [--latency-ms 80] [--delivery-delay-ms 3000] [--consistency-lag-ms 1000]

import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { type Client, GraphError } from '@microsoft/microsoft-graph-client';
import { policyBody } from '../activities/policies.js';
import { createGraphClient } from '../graph/client.js';
import { parseFlags } from './support/args.js';
import { countCalls } from './support/emulator-control.js';
import { startEmulatorProcess } from './support/emulator-process.js';
import { describeMachine, machineLine } from './support/machine.js';
import { median, seconds, sleep } from './support/numbers.js';

const EM = '/identityGovernance/entitlementManagement';

/** The tutorial's names, made unique per run so that runs never adopt each other's objects. */
export interface TutorialNames {
  requestorUpn: string;
  groupName: string;
  groupMailNickname: string;
  packageName: string;
  policyName: string;
  catalogName: string;
}

export function tutorialNames(domain: string, tag = randomUUID().slice(0, 8)): TutorialNames {
  return {
    requestorUpn: `requestor-${tag}@${domain}`,
    groupName: `Marketing resources ${tag}`,
    groupMailNickname: `marketing-${tag}`,
    packageName: `Marketing Campaign ${tag}`,
    policyName: 'Specific users',
    catalogName: 'General',
  };
}

export interface BaselineResult {
  elapsedMs: number;
  /** Status reads of the adminAdd request, and of the adminRemove request. */
  addPolls: number;
  removePolls: number;
  /** 1-s sleeps for objects not visible yet. */
  lagWaits: number;
}

export interface BaselineOptions {
  /** Fixed wait between two reads of a request's status. Default 1000. */
  pollIntervalMs?: number;
  /** Wait before trying again when something just created is not visible yet. Default 1000. */
  lagRetryMs?: number;
}

interface Entity {
  id: string;
}

/** Runs the tutorial once, clean-up included, and says how long it took. Throws on anything unexpected. */
export async function runSequentialBaseline(
  graph: Client,
  names: TutorialNames,
  options: BaselineOptions = {},
): Promise<BaselineResult> {
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const lagRetryMs = options.lagRetryMs ?? 1000;
  let lagWaits = 0;

  /** A call naming something just created: a 404 (or no result yet) means "not replicated yet", so wait and retry. */
  async function whenVisible<T>(call: () => Promise<T | undefined>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await call();
        if (result !== undefined) return result;
      } catch (error) {
        if (!(error instanceof GraphError && error.statusCode === 404)) throw error;
      }
      if (attempt >= 60) throw new Error('an object stayed invisible for 60 s');
      lagWaits++;
      await sleep(lagRetryMs);
    }
  }

  /** Reads the request every fixed interval until it is delivered; returns how many reads it took. */
  async function pollUntilDelivered(requestId: string): Promise<number> {
    for (let polls = 1; ; polls++) {
      await sleep(pollIntervalMs);
      const request = (await graph.api(`${EM}/assignmentRequests/${requestId}`).get()) as { state: string };
      if (request.state === 'delivered') return polls;
      if (!['submitted', 'delivering', 'accepted'].includes(request.state))
        throw new Error(`request ${requestId} ended ${request.state}`);
    }
  }

  const alias = names.requestorUpn.slice(0, names.requestorUpn.indexOf('@'));
  const started = performance.now();
  // Step 1: the requestor and the group.
  const user = (await graph.api('/users').post({
    accountEnabled: true,
    displayName: alias,
    mailNickname: alias,
    userPrincipalName: names.requestorUpn,
    passwordProfile: { forceChangePasswordNextSignIn: true, password: `Bench-${randomUUID()}` },
  })) as Entity;
  const group = (await graph.api('/groups').post({
    displayName: names.groupName,
    description: names.groupName,
    mailEnabled: false,
    mailNickname: names.groupMailNickname,
    securityEnabled: true,
  })) as Entity;

  // Step 2: the group into the catalog, its resource and Member role, the package, the role scope, the policy.
  const catalogs = (await graph.api(`${EM}/catalogs`).filter(`displayName eq '${names.catalogName}'`).get()) as {
    value: Entity[];
  };
  const catalog = catalogs.value[0];
  if (!catalog) throw new Error(`no catalog ${names.catalogName}`);
  await whenVisible(
    () =>
      graph.api(`${EM}/resourceRequests`).post({
        requestType: 'adminAdd',
        resource: { originId: group.id, originSystem: 'AadGroup' },
        catalog: { id: catalog.id },
      }) as Promise<Entity>,
  );
  const resource = await whenVisible(async () => {
    const page = (await graph
      .api(`${EM}/catalogs/${catalog.id}/resources`)
      .filter(`originId eq '${group.id}'`)
      .expand('scopes')
      .get()) as {
      value: (Entity & { originId: string; scopes: { id: string; originId: string; isRootScope: boolean }[] })[];
    };
    return page.value[0];
  });
  const scope = resource.scopes.find((s) => s.isRootScope) ?? resource.scopes[0];
  if (!scope) throw new Error('the catalog resource has no scope');
  const role = await whenVisible(async () => {
    const page = (await graph
      .api(`${EM}/catalogs/${catalog.id}/resourceRoles`)
      .filter(`(originSystem eq 'AadGroup' and resource/id eq '${resource.id}')`)
      .get()) as { value: (Entity & { displayName: string; originId: string })[] };
    return page.value.find((r) => r.displayName === 'Member');
  });
  const accessPackage = (await graph.api(`${EM}/accessPackages`).post({
    displayName: names.packageName,
    description: names.packageName,
    isHidden: false,
    catalog: { id: catalog.id },
  })) as Entity;
  await whenVisible(
    () =>
      graph.api(`${EM}/accessPackages/${accessPackage.id}/resourceRoleScopes`).post({
        role: { id: role.id, originId: role.originId, originSystem: 'AadGroup', resource: { id: resource.id } },
        scope: { id: scope.id, originId: scope.originId, originSystem: 'AadGroup', isRootScope: true },
      }) as Promise<Entity>,
  );
  const policy = await whenVisible(
    () =>
      graph.api(`${EM}/assignmentPolicies`).post(
        policyBody({
          accessPackageId: accessPackage.id,
          displayName: names.policyName,
          description: `${names.policyName} can request assignment`,
          requestorId: user.id,
          durationDays: 30,
        }),
      ) as Promise<Entity>,
  );

  // Step 3: request the assignment; step 4: wait for delivery, then see the assignment and the membership.
  const request = await whenVisible(
    () =>
      graph.api(`${EM}/assignmentRequests`).post({
        requestType: 'adminAdd',
        assignment: { targetId: user.id, assignmentPolicyId: policy.id, accessPackageId: accessPackage.id },
      }) as Promise<Entity>,
  );
  const addPolls = await pollUntilDelivered(request.id);
  const assignment = await whenVisible(async () => {
    const page = (await graph
      .api(`${EM}/assignments`)
      .filter(`assignmentPolicy/id eq '${policy.id}'`)
      .expand('target')
      .get()) as {
      value: (Entity & { state: string; target?: { objectId?: string } })[];
    };
    return page.value.find((a) => a.target?.objectId === user.id && a.state === 'delivered');
  });
  await whenVisible(async () => {
    const page = (await graph.api(`/groups/${group.id}/members`).get()) as { value: Entity[] };
    return page.value.find((m) => m.id === user.id);
  });

  // Step 5: clean up.
  const removal = (await graph
    .api(`${EM}/assignmentRequests`)
    .post({ requestType: 'adminRemove', assignment: { id: assignment.id } })) as Entity;
  const removePolls = await pollUntilDelivered(removal.id);
  await graph.api(`${EM}/assignmentPolicies/${policy.id}`).delete();
  await graph.api(`${EM}/accessPackages/${accessPackage.id}`).delete();
  await graph.api(`${EM}/resourceRequests`).post({
    requestType: 'adminRemove',
    resource: { originId: group.id, originSystem: 'AadGroup' },
    catalog: { id: catalog.id },
  });
  await graph.api(`/groups/${group.id}`).delete();
  await graph.api(`/users/${user.id}`).delete();
  return { elapsedMs: performance.now() - started, addPolls, removePolls, lagWaits };
}

/** `npm run bench:baseline`: the baseline alone against its own emulator, for a quick look. */
async function main(): Promise<void> {
  const flags = parseFlags('bench:baseline — the tutorial run sequentially against the Graph emulator', {
    runs: { fallback: 3, help: 'measured runs (after one warm-up)' },
    'latency-ms': { fallback: 80, help: 'emulator latency added to every Graph call' },
    'delivery-delay-ms': { fallback: 3000, help: 'emulator time from request to delivered (add and remove)' },
    'consistency-lag-ms': { fallback: 1000, help: 'emulator replication lag of new objects' },
  });
  const emulator = await startEmulatorProcess({
    latencyMs: flags['latency-ms'],
    deliveryDelayMs: flags['delivery-delay-ms'],
    consistencyLagMs: flags['consistency-lag-ms'],
    throttleScale: 1,
  });
  // Ctrl-C stops the emulator and removes its temporary directory.
  const interrupted = () => void emulator.stop().finally(() => process.exit(130));
  process.on('SIGINT', interrupted);
  try {
    const graph = createGraphClient(emulator.graph);
    await runSequentialBaseline(graph, tutorialNames(emulator.info.domain));
    const results: (BaselineResult & { calls: number; polls: number })[] = [];
    for (let i = 0; i < flags.runs; i++) {
      await emulator.control.clearStats();
      const result = await runSequentialBaseline(graph, tutorialNames(emulator.info.domain));
      const counts = countCalls(await emulator.control.stats());
      results.push({ ...result, calls: counts.other, polls: counts.statusPolls });
      console.log(
        `run ${i + 1}: ${seconds(result.elapsedMs)} s, ${counts.other} Graph calls + ${counts.statusPolls} status polls, ${result.lagWaits} lag waits`,
      );
    }
    console.log(`median ${seconds(median(results.map((r) => r.elapsedMs)))} s on ${machineLine(describeMachine())}`);
  } finally {
    process.off('SIGINT', interrupted);
    await emulator.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
