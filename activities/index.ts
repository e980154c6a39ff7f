// All activities of the saga, built around one Graph client (dependency injection, so tests and the worker choose
// the client). One activity per Graph operation; each takes one typed input and returns ids and states.

import type { TokenCredential } from '@azure/identity';
import type { Client } from '@microsoft/microsoft-graph-client';
import { accessPackageActivities } from './access-packages.js';
import { applicationActivities } from './applications.js';
import { approvalActivities } from './approvals.js';
import { assignmentActivities } from './assignments.js';
import { catalogActivities } from './catalog.js';
import { directoryActivities } from './directory.js';
import { groupActivities } from './groups.js';
import { heartbeating } from './heartbeat.js';
import { permissionActivities } from './permissions.js';
import { policyActivities } from './policies.js';
import { userActivities } from './users.js';

export interface ActivityDependencies {
  graph: Client;
  /** The credential behind the Graph client, and the scope it asks for (the preflight reads the token's roles). */
  credential: TokenCredential;
  scope: string;
}

export function createActivities({ graph, credential, scope }: ActivityDependencies) {
  const activities = {
    ...permissionActivities(credential, scope),
    ...directoryActivities(graph),
    ...userActivities(graph),
    ...groupActivities(graph),
    ...catalogActivities(graph),
    ...applicationActivities(graph),
    ...accessPackageActivities(graph),
    ...policyActivities(graph),
    ...assignmentActivities(graph),
    ...approvalActivities(graph),
  };
  // Every activity heartbeats while it runs (heartbeat.ts): a dead worker's step is retried within seconds.
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => [name, heartbeating(activity as never)]),
  ) as typeof activities;
}

export type Activities = ReturnType<typeof createActivities>;
