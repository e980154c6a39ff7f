// The one permission table: the README's table is derived from it, the emulator's routes accept what it names for
// each call, and the preflight asks for exactly the least set that covers every call.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  activitiesCoveredBy,
  graphCallPermissions,
  missingPermissions,
  requiredPermissions,
} from '../../common/permissions.js';
import { graphRoutes } from '../../emulator/graph/routes.js';
import { groupOwnerAppPermissions } from '../../emulator/graph/permissions.js';

/** The rows of the README's "Least privilege" table: permission → activities. */
function readmeTable(): Record<string, string[]> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('**Least privilege.**'));
  const rows = section.slice(section.indexOf('| permission | activities |')).split('\n').slice(2);
  const table: Record<string, string[]> = {};
  for (const row of rows) {
    if (!row.startsWith('|')) break;
    const [permission = '', activities = ''] = row
      .split('|')
      .slice(1, 3)
      .map((cell) => cell.trim());
    table[permission.replace(/`/g, '')] = [...activities.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1] as string);
  }
  return table;
}

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

  it('is what the README says', () => {
    const fromCode = Object.fromEntries(requiredPermissions.map((p) => [p, activitiesCoveredBy(p)]));
    expect(readmeTable()).toEqual(fromCode);
  });

  it('names, for every call, a permission the emulator accepts for that route', () => {
    for (const [call, needed] of Object.entries(graphCallPermissions)) {
      const [method, template] = call.split(' ');
      const route = graphRoutes.find((r) => r.method === method && r.template === template);
      expect(route, call).toBeDefined();
      for (const permission of needed) {
        expect([...(route?.permissions.app ?? []), ...groupOwnerAppPermissions], `${call} ${permission}`).toContain(
          permission,
        );
      }
    }
  });
});
