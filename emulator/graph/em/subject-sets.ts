// subjectSet values in policy bodies (specificAllowedTargets, onBehalfRequestors, approvers), normalized to the
// v1.0 shape GET returns. Each place allows its own subtypes; a user or group a set names must exist.

import { graphErrors } from '../../errors/graph-errors.js';
import { isVisible } from '../../store/state.js';
import { show } from '../body.js';
import type { GraphCall } from '../route.js';

export type SubjectSetType =
  'singleUser' | 'groupMembers' | 'requestorManager' | 'internalSponsors' | 'externalSponsors' | 'targetUserSponsors';

const fields: Record<SubjectSetType, readonly string[]> = {
  singleUser: ['userId', 'description'],
  groupMembers: ['groupId', 'description'],
  requestorManager: ['managerLevel'],
  internalSponsors: [],
  externalSponsors: [],
  targetUserSponsors: [],
};

function only(value: Record<string, unknown>, allowed: readonly string[], typeName: string): void {
  for (const key of Object.keys(value))
    if (key !== '@odata.type' && !allowed.includes(key)) throw graphErrors.unknownEmProperty(key, typeName);
}

function normalize(call: GraphCall, set: Record<string, unknown>, path: string, type: SubjectSetType) {
  only(set, fields[type], type);
  const odataType = `#microsoft.graph.${type}`;
  switch (type) {
    case 'singleUser': {
      const userId = typeof set.userId === 'string' ? set.userId.toLowerCase() : undefined;
      if (!userId) throw graphErrors.invalidModel(`${path}.userId`, "A singleUser needs a 'userId'.");
      if (!call.ctx.store.state.users.some((u) => u.id === userId && isVisible(u, call.now)))
        throw graphErrors.emNotFound('user', userId);
      return { '@odata.type': odataType, userId, description: (set.description as string | undefined) ?? null };
    }
    case 'groupMembers': {
      const groupId = typeof set.groupId === 'string' ? set.groupId.toLowerCase() : undefined;
      if (!groupId) throw graphErrors.invalidModel(`${path}.groupId`, "A groupMembers set needs a 'groupId'.");
      if (!call.ctx.store.state.groups.some((g) => g.id === groupId && isVisible(g, call.now)))
        throw graphErrors.emNotFound('group', groupId);
      return { '@odata.type': odataType, groupId, description: (set.description as string | undefined) ?? null };
    }
    case 'requestorManager': {
      const level = set.managerLevel ?? 1;
      if (level !== 1 && level !== 2)
        throw graphErrors.invalidModel(`${path}.managerLevel`, `'managerLevel' must be 1 or 2, got ${show(level)}.`);
      return { '@odata.type': odataType, managerLevel: level };
    }
    default:
      return { '@odata.type': odataType };
  }
}

/** `path` names the list, e.g. `requestApprovalSettings.stages[0].primaryApprovers`. */
export function subjectSets(
  call: GraphCall,
  value: unknown,
  path: string,
  allowed: readonly SubjectSetType[],
): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw graphErrors.invalidModel(path, `'${path}' must be a collection of subject sets.`);
  return value.map((set: unknown, index) => {
    const where = `${path}[${index}]`;
    if (typeof set !== 'object' || set === null || Array.isArray(set))
      throw graphErrors.invalidModel(where, 'A subject set must be an object.');
    const odataType = (set as Record<string, unknown>)['@odata.type'];
    const type = typeof odataType === 'string' ? odataType.replace(/^#?microsoft\.graph\./, '') : undefined;
    if (!type || !(allowed as readonly string[]).includes(type)) {
      throw graphErrors.invalidModel(
        `${where}.@odata.type`,
        `Subject set type '${show(odataType)}' is not allowed here; use ${allowed.map((t) => `#microsoft.graph.${t}`).join(', ')}.`,
      );
    }
    return normalize(call, set as Record<string, unknown>, where, type as SubjectSetType);
  });
}
