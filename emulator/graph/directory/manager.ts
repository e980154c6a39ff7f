// A user's manager: PUT /users/{id}/manager/$ref {"@odata.id": ".../users/{managerId}"} (204), GET /users/{id}/manager
// and /me/manager (the manager as a directoryObject, or 404 when there is none), DELETE /users/{id}/manager/$ref.
// Entitlement management reads it for `requestorManager` approvers. A deleted manager no longer counts.

import { managerOf } from '../../em/approvers.js';
import { graphErrors } from '../../errors/graph-errors.js';
import type { UserRecord } from '../../store/state.js';
import { isPlainObject } from '../body.js';
import { permissions } from '../permissions.js';
import { checkSelect, entityReply, noContent } from '../responses.js';
import type { GraphCall, RouteDefinition } from '../route.js';
import { userKnownProperties } from './user-view.js';
import { boundUserId, findUser, requireUser, userView } from './users.js';

function getManager(call: GraphCall, user: UserRecord | undefined) {
  const query = call.query({ select: true });
  checkSelect(query.select, userKnownProperties, 'user');
  if (!user) throw graphErrors.directoryObjectNotFound(call.caller.objectId);
  const manager = managerOf(call.ctx.store.state, user.id, call.now);
  if (!manager) throw graphErrors.directoryObjectNotFound('manager');
  return entityReply(call, 200, 'directoryObjects', {
    '@odata.type': '#microsoft.graph.user',
    ...userView(manager, query.select),
  });
}

function assignManager(call: GraphCall) {
  const user = requireUser(call, call.params.id!);
  const body = call.body();
  const ref = isPlainObject(body) ? body['@odata.id'] : undefined;
  if (typeof ref !== 'string') throw graphErrors.propertyRequired('@odata.id');
  const managerId = boundUserId(call, ref);
  if (managerId === user.id) throw graphErrors.invalidPropertyValue('manager', 'User');
  call.ctx.store.mutate((s) => {
    s.users.find((u) => u.id === user.id)!.managerId = managerId;
  });
  return noContent();
}

function removeManager(call: GraphCall) {
  const user = requireUser(call, call.params.id!);
  if (!managerOf(call.ctx.store.state, user.id, call.now)) throw graphErrors.directoryObjectNotFound('manager');
  call.ctx.store.mutate((s) => {
    delete s.users.find((u) => u.id === user.id)!.managerId;
  });
  return noContent();
}

export const managerRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    template: '/v1.0/users/{id}/manager',
    permissions: permissions.managerRead,
    handler: (call) => getManager(call, requireUser(call, call.params.id!)),
  },
  {
    method: 'GET',
    template: '/v1.0/me/manager',
    permissions: permissions.managerRead,
    handler: (call) => getManager(call, findUser(call, call.caller.objectId)),
  },
  {
    method: 'PUT',
    template: '/v1.0/users/{id}/manager/$ref',
    permissions: permissions.managerWrite,
    handler: assignManager,
  },
  {
    method: 'DELETE',
    template: '/v1.0/users/{id}/manager/$ref',
    permissions: permissions.managerWrite,
    handler: removeManager,
  },
];
