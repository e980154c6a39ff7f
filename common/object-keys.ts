// The business key of every object a run makes: what it is looked up by in Graph, and the identity of the one
// workflow that decides, across all runs, who creates it and who may remove it (workflows/shared-object.ts).
// Graph keeps most of these keys non-unique (two groups may share a mailNickname, two packages a name), so the
// key, not Graph, is what makes "one object per key" hold.

export type ObjectKey =
  | { kind: 'user'; userPrincipalName: string }
  | { kind: 'group'; mailNickname: string }
  | { kind: 'catalogResource'; catalogId: string; groupId: string }
  | {
      kind: 'catalogResource';
      catalogId: string;
      originSystem: 'AadApplication' | 'SharePointOnline';
      originId: string;
    }
  | { kind: 'accessPackage'; catalogId: string; displayName: string }
  | { kind: 'roleScope'; accessPackageId: string; roleOriginId: string; scopeOriginId: string }
  | { kind: 'assignmentPolicy'; accessPackageId: string; displayName: string; requestorId: string };

/** The key's parts in a fixed order, lower-cased where Graph compares them without case. */
export function keyParts(key: ObjectKey): string[] {
  switch (key.kind) {
    case 'user':
      return [key.userPrincipalName.toLowerCase()];
    case 'group':
      return [key.mailNickname.toLowerCase()];
    case 'catalogResource':
      // A group keeps the parts it has had since 1.0.0; an app is its service principal, a site its URL.
      return 'groupId' in key
        ? [key.catalogId.toLowerCase(), key.groupId.toLowerCase()]
        : [key.catalogId.toLowerCase(), key.originSystem, key.originId.toLowerCase()];
    case 'accessPackage':
      return [key.catalogId.toLowerCase(), key.displayName.toLowerCase()];
    case 'roleScope':
      return [key.accessPackageId.toLowerCase(), key.roleOriginId, key.scopeOriginId];
    case 'assignmentPolicy':
      return [key.accessPackageId.toLowerCase(), key.displayName.toLowerCase(), key.requestorId.toLowerCase()];
  }
}

/** The run that holds objects, and the task queue its deployment runs on (where the coordinators run too). */
export interface Holder {
  workflowId: string;
  taskQueue: string;
}
