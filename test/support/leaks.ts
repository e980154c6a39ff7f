// Leak and duplicate checks on the emulator's objects: what a run leaves behind, compared with what was there.

import { expect } from 'vitest';
import type { EmulatorObjects } from './emulator.js';

const liveAssignmentStates = new Set(['delivering', 'delivered', 'partiallyDelivered', 'pending']);

/** Ids of everything a run could create, by kind. Assignments count only while live (expired ones stay listed). */
export function liveIds(objects: EmulatorObjects): Record<string, string[]> {
  return {
    users: objects.users.map((o) => o.id).sort(),
    groups: objects.groups.map((o) => o.id).sort(),
    catalogResources: objects.catalogResources.map((o) => o.id).sort(),
    accessPackages: objects.accessPackages.map((o) => o.id).sort(),
    resourceRoleScopes: objects.resourceRoleScopes.map((o) => o.id).sort(),
    assignmentPolicies: objects.assignmentPolicies.map((o) => o.id).sort(),
    assignments: objects.assignments.filter((a) => liveAssignmentStates.has(a.state)).map((o) => o.id).sort(),
  };
}

/** Nothing was left behind: every kind holds exactly the objects it held before. */
export function expectNothingLeaked(before: EmulatorObjects, after: EmulatorObjects): void {
  expect(liveIds(after)).toEqual(liveIds(before));
}

/** No two users share a UPN, no two groups a mailNickname, no two packages a name in one catalog. */
export function expectNoDuplicates(objects: EmulatorObjects): void {
  const dupes = (keys: string[]) => keys.filter((k, i) => keys.indexOf(k) !== i);
  expect(dupes(objects.users.map((u) => u.userPrincipalName.toLowerCase()))).toEqual([]);
  expect(dupes(objects.groups.map((g) => g.mailNickname.toLowerCase()))).toEqual([]);
  expect(dupes(objects.accessPackages.map((p) => `${String((p as { catalogId?: string }).catalogId)}/${p.displayName}`))).toEqual([]);
  expect(dupes(objects.catalogResources.map((r) => `${String(r.catalogId)}/${r.originId}`))).toEqual([]);
  expect(
    dupes(objects.assignments.filter((a) => liveAssignmentStates.has(a.state)).map((a) => `${String((a as { assignmentPolicyId?: string }).assignmentPolicyId)}/${String(a.targetId)}`)),
  ).toEqual([]);
}
