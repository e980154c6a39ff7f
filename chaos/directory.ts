// What the directory holds, read from the emulator's `objects` (every live object, those still replicating
// included): the ids of everything a run can create, which the leak check compares before and after, and the keys
// two live objects hold at once, which the duplicate check samples while runs are in flight.

export interface DirectoryObjects {
  catalogs: { id: string; displayName: string }[];
  users: { id: string; userPrincipalName: string }[];
  groups: { id: string; mailNickname: string }[];
  catalogResources: { id: string; catalogId: string; originId: string }[];
  accessPackages: { id: string; catalogId: string; displayName: string }[];
  resourceRoleScopes: { id: string; accessPackageId: string; roleId: string; scopeId: string }[];
  assignmentPolicies: { id: string; accessPackageId: string; displayName: string }[];
  assignments: { id: string; state: string }[];
}

type KeyedKind = Exclude<keyof DirectoryObjects, 'catalogs' | 'assignments'>;
const keyedKinds: readonly KeyedKind[] = [
  'users',
  'groups',
  'catalogResources',
  'accessPackages',
  'resourceRoleScopes',
  'assignmentPolicies',
];

/**
 * Each kind's business key (common/object-keys.ts) as the snapshot shows it. The snapshot shows a policy's name but
 * not the requestor it allows: the chaos run names each run's policy after the run, so the name stands for both.
 */
const keyOf: { [K in KeyedKind]: (object: DirectoryObjects[K][number], catalog: (id: string) => string) => string } = {
  users: (u) => `user ${u.userPrincipalName.toLowerCase()}`,
  groups: (g) => `group ${g.mailNickname.toLowerCase()}`,
  catalogResources: (r, catalog) => `catalog resource ${catalog(r.catalogId)}/${r.originId}`,
  accessPackages: (p, catalog) => `access package ${catalog(p.catalogId)}/${p.displayName.toLowerCase()}`,
  resourceRoleScopes: (s) => `role scope ${s.accessPackageId}/${s.roleId}/${s.scopeId}`,
  assignmentPolicies: (p) => `policy ${p.accessPackageId}/${p.displayName.toLowerCase()}`,
};

/** `kind/id` of every object a run can create; assignments while not expired (expired ones stay listed). */
export function liveIds(objects: DirectoryObjects): string[] {
  return keyedKinds
    .flatMap((kind) => objects[kind].map((o) => `${kind}/${o.id}`))
    .concat(objects.assignments.filter((a) => a.state !== 'expired').map((a) => `assignments/${a.id}`));
}

/** The keys held by two or more live objects, at least one of them not among `preexisting` (`kind/id`), with their ids. */
export function keysHeldTwice(objects: DirectoryObjects, preexisting: ReadonlySet<string>): Map<string, string[]> {
  const catalogNames = new Map(objects.catalogs.map((c) => [c.id, c.displayName]));
  const catalog = (id: string) => catalogNames.get(id) ?? id;
  const holders = new Map<string, string[]>();
  for (const kind of keyedKinds) {
    const key = keyOf[kind] as (object: { id: string }, catalog: (id: string) => string) => string;
    for (const object of objects[kind]) {
      const k = key(object, catalog);
      holders.set(k, [...(holders.get(k) ?? []), `${kind}/${object.id}`]);
    }
  }
  for (const [k, ids] of holders) if (ids.length < 2 || ids.every((id) => preexisting.has(id))) holders.delete(k);
  return holders;
}

/**
 * Reads the directory every `intervalMs` until stopped, and collects every key that was ever held by two live
 * objects at once — a duplicate that lived for a moment counts, not only one left at the end — with every object
 * seen holding it.
 */
export function sampleDuplicates(
  read: () => Promise<DirectoryObjects>,
  preexisting: ReadonlySet<string>,
  intervalMs: number,
): { stop(): Promise<{ samples: number; duplicates: Map<string, Set<string>> }> } {
  const duplicates = new Map<string, Set<string>>();
  let samples = 0;
  const sample = async () => {
    for (const [key, ids] of keysHeldTwice(await read(), preexisting)) {
      const seen = duplicates.get(key) ?? new Set<string>();
      for (const id of ids) seen.add(id);
      duplicates.set(key, seen);
    }
    samples += 1;
  };
  let running = true;
  const loop = (async () => {
    while (running) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, intervalMs).unref());
    }
  })();
  loop.catch(() => undefined); // surfaced by stop()
  return {
    async stop() {
      running = false;
      await loop;
      await sample();
      return { samples, duplicates };
    },
  };
}
