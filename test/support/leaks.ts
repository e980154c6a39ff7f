// Leak and duplicate checks on the emulator's objects: what a run leaves behind, compared with what was there.

import { expect } from 'vitest';
import type { EmulatorObjects } from './emulator.js';

const liveAssignmentStates = new Set(['delivering', 'delivered', 'partiallyDelivered', 'pending']);

/** Ids of everything a run could create, by kind. Assignments count only while live (expired ones stay listed). */
function liveIds(objects: EmulatorObjects): Record<string, string[]> {
  return {
    users: objects.users.map((o) => o.id).sort(),
    groups: objects.groups.map((o) => o.id).sort(),
    catalogResources: objects.catalogResources.map((o) => o.id).sort(),
    accessPackages: objects.accessPackages.map((o) => o.id).sort(),
    resourceRoleScopes: objects.resourceRoleScopes.map((o) => o.id).sort(),
    assignmentPolicies: objects.assignmentPolicies.map((o) => o.id).sort(),
    assignments: objects.assignments
      .filter((a) => liveAssignmentStates.has(a.state))
      .map((o) => o.id)
      .sort(),
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
  expect(
    dupes(objects.accessPackages.map((p) => `${String((p as { catalogId?: string }).catalogId)}/${p.displayName}`)),
  ).toEqual([]);
  expect(dupes(objects.catalogResources.map((r) => `${String(r.catalogId)}/${r.originId}`))).toEqual([]);
  expect(
    dupes(
      objects.assignments
        .filter((a) => liveAssignmentStates.has(a.state))
        .map((a) => `${String((a as { assignmentPolicyId?: string }).assignmentPolicyId)}/${String(a.targetId)}`),
    ),
  ).toEqual([]);
}

/** The keys held by more than one live object: UPNs, mailNicknames, package names in a catalog, catalog resources. */
function duplicateKeys(objects: EmulatorObjects): string[] {
  const keys = [
    ...objects.users.map((u) => `user ${u.userPrincipalName.toLowerCase()}`),
    ...objects.groups.map((g) => `group ${g.mailNickname.toLowerCase()}`),
    ...objects.accessPackages.map(
      (p) => `accessPackage ${String((p as { catalogId?: string }).catalogId)}/${p.displayName.toLowerCase()}`,
    ),
    ...objects.catalogResources.map((r) => `catalogResource ${String(r.catalogId)}/${r.originId}`),
  ];
  return [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))];
}

/**
 * Reads the emulator's objects every `intervalMs` until stopped, and collects every key that was ever held by two
 * objects at once: a duplicate that existed for a moment counts, not only one left at the end.
 */
export function watchForDuplicates(
  control: { objects(): Promise<EmulatorObjects> },
  intervalMs = 100,
): { stop(): Promise<string[]> } {
  const seen = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const key of duplicateKeys(await control.objects())) seen.add(key);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...seen].sort();
    },
  };
}
