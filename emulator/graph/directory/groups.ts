// /groups: create (security or Microsoft 365 groups, Entra's mailNickname rules), get, list with
// $filter/$select/$top and paging, delete (security groups are deleted at once), and members — direct members
// plus those an access package grants (see em/membership.ts).

import { randomUUID } from 'node:crypto';
import { groupMemberIds } from '../../em/membership.js';
import { graphErrors } from '../../errors/graph-errors.js';
import { compileFilter } from '../../odata/filter-eval.js';
import { paginate } from '../../odata/paging.js';
import { isVisible, type GroupRecord } from '../../store/state.js';
import { checkBody, isBlank, isPlainObject } from '../body.js';
import { permissions } from '../permissions.js';
import { checkSelect, collectionReply, entityReply, isGuid, noContent, project } from '../responses.js';
import type { GraphCall, RouteDefinition } from '../route.js';
import {
  groupDefaultProperties,
  groupFilterSchema,
  groupFull,
  groupKnownProperties,
  groupWritableFields,
} from './group-view.js';
import { securityIdentifier } from './user-view.js';
import { boundUserId, userView } from './users.js';
import { userKnownProperties } from './user-view.js';

/** Characters Entra refuses in a group's mailNickname (besides non-ASCII). */
const forbiddenNickname = /[@()\\[\]";:.<>,\s]/;

export function findGroup(call: GraphCall, id: string): GroupRecord | undefined {
  return call.ctx.store.state.groups.find((g) => g.id === id.toLowerCase() && isVisible(g, call.now));
}

function requireGroup(call: GraphCall, id: string): GroupRecord {
  if (!isGuid(id)) throw graphErrors.invalidObjectIdentifier(id);
  const group = findGroup(call, id);
  if (!group) throw graphErrors.directoryObjectNotFound(id);
  return group;
}

function view(call: GraphCall, group: GroupRecord, select: readonly string[] | undefined) {
  return project(
    groupFull(group, call.ctx.options.domain),
    select,
    groupDefaultProperties,
    groupKnownProperties,
    'group',
  );
}

/** `https://graph.microsoft.com/v1.0/directoryObjects/{id}` (or /users/{id}) → a visible user's id. */
function createGroup(call: GraphCall) {
  const body = checkBody(call.body(), {
    typeName: 'group',
    fields: groupWritableFields,
    unknown: graphErrors.unknownDirectoryProperty,
    invalid: (p) => graphErrors.invalidPropertyValue(p, 'Group'),
  });
  for (const required of ['displayName', 'mailEnabled', 'mailNickname', 'securityEnabled']) {
    if (isBlank(body[required])) throw graphErrors.propertyRequired(required);
  }
  const displayName = body.displayName as string;
  const mailNickname = body.mailNickname as string;
  const groupTypes = (body.groupTypes as string[] | null | undefined) ?? [];
  const unified = groupTypes.includes('Unified');
  if (displayName.length > 256) throw graphErrors.invalidPropertyValue('displayName', 'Group');
  // eslint-disable-next-line no-control-regex
  if (mailNickname.length > 64 || forbiddenNickname.test(mailNickname) || /[^\x00-\x7f]/.test(mailNickname)) {
    throw graphErrors.invalidPropertyValue('mailNickname', 'Group');
  }
  if (groupTypes.some((t) => t !== 'Unified')) throw graphErrors.invalidPropertyValue('groupTypes', 'Group');
  if (body.mailEnabled === true && !unified) throw graphErrors.mailEnabledSecurityGroup();
  const visibility = body.visibility as string | null | undefined;
  if (visibility != null && !['Private', 'Public', 'HiddenMembership'].includes(visibility))
    throw graphErrors.invalidPropertyValue('visibility', 'Group');
  const state = call.ctx.store.state;
  if (
    unified &&
    state.groups.some(
      (g) =>
        g.deletedAt === undefined &&
        g.groupTypes.includes('Unified') &&
        g.mailNickname.toLowerCase() === mailNickname.toLowerCase(),
    )
  ) {
    throw graphErrors.objectConflict('mailNickname');
  }
  const memberBinds = (body['members@odata.bind'] as string[] | null | undefined) ?? [];
  const ownerBinds = (body['owners@odata.bind'] as string[] | null | undefined) ?? [];
  if (memberBinds.length > 20 || ownerBinds.length > 20) throw graphErrors.tooManyBinds();
  const members = memberBinds.map((url) => boundUserId(call, url));
  ownerBinds.forEach((url) => boundUserId(call, url));

  const id = randomUUID();
  const group: GroupRecord = {
    id,
    createdAt: call.now,
    visibleAt: call.now + call.ctx.config.consistencyLagMs,
    displayName,
    description: (body.description as string | null | undefined) ?? null,
    mailEnabled: body.mailEnabled as boolean,
    mailNickname,
    securityEnabled: body.securityEnabled as boolean,
    groupTypes,
    visibility: visibility ?? null,
    isAssignableToRole: (body.isAssignableToRole as boolean | null | undefined) ?? null,
    securityIdentifier: securityIdentifier(id),
  };
  call.ctx.store.mutate((s) => {
    s.groups.push(group);
    if (members.length > 0) s.directMembers[id] = [...new Set(members)];
  });
  return entityReply(call, 201, 'groups', view(call, group, undefined));
}

function getGroup(call: GraphCall) {
  const query = call.query({ select: true });
  return entityReply(call, 200, 'groups', view(call, requireGroup(call, call.params.id!), query.select));
}

function listGroups(call: GraphCall) {
  const query = call.query({ filter: true, select: true, top: true, orderBy: true });
  checkSelect(query.select, groupKnownProperties, 'group');
  let groups = call.ctx.store.state.groups.filter((g) => isVisible(g, call.now));
  if (query.filter) groups = groups.filter(compileFilter(query.filter, groupFilterSchema));
  if (query.orderBy) {
    if (query.orderBy.property.toLowerCase() !== 'displayname')
      throw graphErrors.unsupportedFilterProperty(query.orderBy.property, 'Group');
    const sign = query.orderBy.descending ? -1 : 1;
    groups = [...groups].sort((a, b) => sign * a.displayName.localeCompare(b.displayName));
  }
  const page = paginate(groups, call.exchange.url, query.top, query.skipToken, 100);
  return collectionReply(call, 'groups', {
    items: page.items.map((g) => view(call, g, query.select)),
    ...(page.nextLink ? { nextLink: page.nextLink } : {}),
  });
}

function deleteGroup(call: GraphCall) {
  const group = requireGroup(call, call.params.id!);
  call.ctx.store.mutate((s) => {
    s.groups.find((g) => g.id === group.id)!.deletedAt = call.now;
    delete s.directMembers[group.id];
  });
  return noContent();
}

function listMembers(call: GraphCall) {
  const query = call.query({ select: true, top: true });
  checkSelect(query.select, userKnownProperties, 'user');
  const group = requireGroup(call, call.params.id!);
  const ids = groupMemberIds(call.ctx.store.state, group.id, call.now);
  const users = ids.map((id) => call.ctx.store.state.users.find((u) => u.id === id)!);
  const page = paginate(users, call.exchange.url, query.top, query.skipToken, 100);
  const items = page.items.map((u) => ({ '@odata.type': '#microsoft.graph.user', ...userView(u, query.select) }));
  return collectionReply(call, 'directoryObjects', { items, ...(page.nextLink ? { nextLink: page.nextLink } : {}) });
}

function addMemberRef(call: GraphCall) {
  const group = requireGroup(call, call.params.id!);
  const body = call.body();
  const ref = isPlainObject(body) ? body['@odata.id'] : undefined;
  if (typeof ref !== 'string') throw graphErrors.propertyRequired('@odata.id');
  const userId = boundUserId(call, ref);
  if ((call.ctx.store.state.directMembers[group.id] ?? []).includes(userId))
    throw graphErrors.objectConflict('members');
  call.ctx.store.mutate((s) => {
    s.directMembers[group.id] = [...(s.directMembers[group.id] ?? []), userId];
  });
  return noContent();
}

function removeMemberRef(call: GraphCall) {
  const group = requireGroup(call, call.params.id!);
  const userId = call.params.memberId!.toLowerCase();
  if (!(call.ctx.store.state.directMembers[group.id] ?? []).includes(userId))
    throw graphErrors.directoryObjectNotFound(userId);
  call.ctx.store.mutate((s) => {
    s.directMembers[group.id] = (s.directMembers[group.id] ?? []).filter((m) => m !== userId);
  });
  return noContent();
}

export const groupRoutes: RouteDefinition[] = [
  { method: 'GET', template: '/v1.0/groups', permissions: permissions.groupsRead, handler: listGroups },
  { method: 'POST', template: '/v1.0/groups', permissions: permissions.groupsWrite, handler: createGroup },
  { method: 'GET', template: '/v1.0/groups/{id}', permissions: permissions.groupsRead, handler: getGroup },
  { method: 'DELETE', template: '/v1.0/groups/{id}', permissions: permissions.groupsDelete, handler: deleteGroup },
  {
    method: 'GET',
    template: '/v1.0/groups/{id}/members',
    permissions: permissions.groupMembersRead,
    cost: 3,
    handler: listMembers,
  },
  {
    method: 'POST',
    template: '/v1.0/groups/{id}/members/$ref',
    permissions: permissions.groupsDelete,
    handler: addMemberRef,
  },
  {
    method: 'DELETE',
    template: '/v1.0/groups/{id}/members/{memberId}/$ref',
    permissions: permissions.groupsDelete,
    handler: removeMemberRef,
  },
];
