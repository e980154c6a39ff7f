// The one permission table: the README's table is derived from it, the emulator's routes accept what it names for
// each call, and the preflight asks for exactly the least set that covers every call.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  activitiesCoveredBy,
  allRequiredPermissions,
  graphCallPermissions,
  missingPermissions,
  requiredPermissions,
  requiredPermissionsFor,
  needsFor,
} from '../../common/permissions.js';
import { graphRoutes } from '../../emulator/graph/routes.js';
import { resourceOwnerAppPermissions } from '../../emulator/graph/permissions.js';

/** The rows of the README's "Least privilege" table: permission → what needs it, and the activities. */
function readmeTable(): Record<string, { neededFor: string; activities: string[] }> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('**Least privilege.**'));
  const rows = section.slice(section.indexOf('| permission | needed for | activities |')).split('\n').slice(2);
  const table: Record<string, { neededFor: string; activities: string[] }> = {};
  for (const row of rows) {
    if (!row.startsWith('|')) break;
    const [permission = '', neededFor = '', activities = ''] = row
      .split('|')
      .slice(1, 4)
      .map((cell) => cell.trim());
    table[permission.replace(/`/g, '')] = {
      neededFor,
      activities: [...activities.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1] as string),
    };
  }
  return table;
}

const kindWords = {
  group: 'a package with a group',
  app: 'a package with an application',
  site: 'a package with a SharePoint site',
  approverGroups: 'approvers named by group',
};

describe('the permission table', () => {
  it('asks the worker for the least set of application permissions that covers every call', () => {
    expect(requiredPermissions).toEqual([
      'User.ReadWrite.All',
      'Group.ReadWrite.All',
      'EntitlementManagement.ReadWrite.All',
      'Domain.Read.All',
    ]);
    expect(missingPermissions([...requiredPermissions])).toEqual([]);
    expect(missingPermissions(['Directory.ReadWrite.All', 'EntitlementManagement.ReadWrite.All'])).toEqual([]);
    expect(missingPermissions(['User.Read.All', 'Group.ReadWrite.All', 'Domain.Read.All'])).toEqual([
      'User.ReadWrite.All',
      'EntitlementManagement.ReadWrite.All',
    ]);
  });

  it("asks for an application's or a site's permission only when the package has one", () => {
    expect(requiredPermissionsFor(['group', 'app'])).toEqual([...requiredPermissions, 'Application.ReadWrite.All']);
    expect(requiredPermissionsFor(['site'])).toEqual([
      'User.ReadWrite.All',
      'EntitlementManagement.ReadWrite.All',
      'Domain.Read.All',
      'Sites.FullControl.All',
    ]);
    expect(missingPermissions([...requiredPermissions], ['group', 'site'])).toEqual(['Sites.FullControl.All']);
    // Sites.Read.All lets the site be found, not added to a catalog (CallerNotResourceOwner).
    expect(missingPermissions([...requiredPermissions, 'Sites.Read.All'], ['site'])).toEqual(['Sites.FullControl.All']);
    expect(missingPermissions([...requiredPermissions, 'Application.Read.All'], ['app'])).toEqual([
      'Application.ReadWrite.All',
    ]);
  });

  it('is what the README says', () => {
    const fromCode = Object.fromEntries(
      allRequiredPermissions.map((p) => {
        const kinds = needsFor(p);
        return [
          p,
          {
            neededFor: kinds.length ? kinds.map((k) => kindWords[k]).join(', ') : 'every run',
            activities: activitiesCoveredBy(p),
          },
        ];
      }),
    );
    expect(readmeTable()).toEqual(fromCode);
  });

  it('names, for every call, a permission the emulator accepts for that route', () => {
    for (const [call, needed] of Object.entries(graphCallPermissions)) {
      // "POST …/resourceRequests (AadApplication)": the request for one kind of resource, which needs its owner's right.
      const [, method = '', template = '', origin = 'AadGroup'] = /^(\w+) (\S+)(?: \((\w+)\))?$/.exec(call) ?? [];
      const route = graphRoutes.find((r) => r.method === method && r.template === template);
      expect(route, call).toBeDefined();
      const owner = resourceOwnerAppPermissions[origin as keyof typeof resourceOwnerAppPermissions];
      for (const permission of needed) {
        expect([...(route?.permissions.app ?? []), ...owner], `${call} ${permission}`).toContain(permission);
      }
    }
  });
});
