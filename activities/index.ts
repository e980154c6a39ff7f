// All activities of the saga, built around one Graph client (dependency injection, so tests and the worker choose
// the client). One activity per Graph operation; each takes one typed input and returns ids and states.

import type { Client } from '@microsoft/microsoft-graph-client';
import { accessPackageActivities } from './access-packages.js';
import { assignmentActivities } from './assignments.js';
import { catalogActivities } from './catalog.js';
import { directoryActivities } from './directory.js';
import { groupActivities } from './groups.js';
import { policyActivities } from './policies.js';
import { userActivities } from './users.js';

export function createActivities(graph: Client) {
  return {
    ...directoryActivities(graph),
    ...userActivities(graph),
    ...groupActivities(graph),
    ...catalogActivities(graph),
    ...accessPackageActivities(graph),
    ...policyActivities(graph),
    ...assignmentActivities(graph),
  };
}

export type Activities = ReturnType<typeof createActivities>;
