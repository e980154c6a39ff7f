// Every Graph v1.0 route the emulator serves.

import { appRoleAssignmentRoutes } from './directory/app-role-assignments.js';
import { applicationRoutes } from './directory/applications.js';
import { domainRoutes } from './directory/domains.js';
import { groupRoutes } from './directory/groups.js';
import { managerRoutes } from './directory/manager.js';
import { userRoutes } from './directory/users.js';
import { accessPackageRoutes } from './em/access-packages.js';
import { approvalRoutes } from './em/approvals.js';
import { assignmentRoutes } from './em/assignments.js';
import { catalogRoutes } from './em/catalogs.js';
import { policyRoutes } from './em/policies.js';
import { resourceRequestRoutes } from './em/resource-requests.js';
import type { RouteDefinition } from './route.js';
import { siteRoutes } from './sites/sites.js';
import { Router } from './router.js';

export const graphRoutes: readonly RouteDefinition[] = [
  ...userRoutes,
  ...managerRoutes,
  ...groupRoutes,
  ...domainRoutes,
  ...applicationRoutes,
  ...appRoleAssignmentRoutes,
  ...catalogRoutes,
  ...resourceRequestRoutes,
  ...accessPackageRoutes,
  ...policyRoutes,
  ...assignmentRoutes,
  ...approvalRoutes,
  ...siteRoutes,
];

export function createGraphRouter(): Router {
  return new Router(graphRoutes);
}
