// /users: create with Entra's validation rules, get by id or userPrincipalName, list with $filter/$select/$top
// and paging, delete (soft delete: gone from /users).

import { randomUUID } from 'node:crypto';
import { graphErrors } from '../../errors/graph-errors.js';
import { hashPassword, meetsComplexity } from '../../identity/passwords.js';
import { compileFilter } from '../../odata/filter-eval.js';
import { paginate } from '../../odata/paging.js';
import { isVisible, type UserRecord } from '../../store/state.js';
import { checkBody, isBlank, isPlainObject, show } from '../body.js';
import { permissions } from '../permissions.js';
import { checkSelect, collectionReply, entityReply, isGuid, noContent, project } from '../responses.js';
import type { GraphCall, RouteDefinition } from '../route.js';
import {
  userDefaultProperties,
  userFilterSchema,
  userFull,
  userKnownProperties,
  userWritableFields,
} from './user-view.js';

/** Characters Entra allows in the alias part of a userPrincipalName. */
const upnAlias = /^[A-Za-z0-9'._!#^~-]+$/;
const forbiddenNickname = /[@()\\[\]";:<>,\s]/;

export function findUser(call: GraphCall, idOrUpn: string): UserRecord | undefined {
  const key = idOrUpn.toLowerCase();
  const byId = isGuid(idOrUpn);
  return call.ctx.store.state.users.find(
    (u) => isVisible(u, call.now) && (byId ? u.id === key : u.userPrincipalName.toLowerCase() === key),
  );
}

export function requireUser(call: GraphCall, idOrUpn: string): UserRecord {
  const user = findUser(call, idOrUpn);
  if (!user) throw graphErrors.directoryObjectNotFound(idOrUpn);
  return user;
}

/** The user a `{"@odata.id": "https://graph.microsoft.com/v1.0/users/{id}"}` reference names (or directoryObjects/{id}). */
export function boundUserId(call: GraphCall, url: string): string {
  const id = /\/(?:directoryObjects|users)\/([^/?#]+)$/i.exec(url)?.[1];
  if (!id || !isGuid(id)) throw graphErrors.invalidObjectIdentifier(url);
  const user = findUser(call, id);
  if (!user) throw graphErrors.directoryObjectNotFound(id);
  return user.id;
}

export function userView(user: UserRecord, select: readonly string[] | undefined): Record<string, unknown> {
  return project(userFull(user), select, userDefaultProperties, userKnownProperties, 'user');
}

function createUser(call: GraphCall) {
  const body = checkBody(call.body(), {
    typeName: 'user',
    fields: userWritableFields,
    unknown: graphErrors.unknownDirectoryProperty,
    invalid: (p) => graphErrors.invalidPropertyValue(p, 'User'),
  });
  for (const required of ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName']) {
    if (isBlank(body[required])) throw graphErrors.propertyRequired(required);
  }
  const profile = body.passwordProfile;
  if (!isPlainObject(profile) || isBlank(profile.password)) throw graphErrors.passwordRequired();
  for (const key of Object.keys(profile)) {
    if (!['password', 'forceChangePasswordNextSignIn', 'forceChangePasswordNextSignInWithMfa'].includes(key))
      throw graphErrors.unknownDirectoryProperty(key);
  }
  if (typeof profile.password !== 'string') throw graphErrors.invalidPropertyValue('passwordProfile', 'User');
  const displayName = body.displayName as string;
  const mailNickname = body.mailNickname as string;
  const upn = body.userPrincipalName as string;
  if (displayName.length > 256) throw graphErrors.invalidPropertyValue('displayName', 'User');
  if (mailNickname.length > 64 || forbiddenNickname.test(mailNickname))
    throw graphErrors.invalidPropertyValue('mailNickname', 'User');

  const at = upn.lastIndexOf('@');
  const alias = upn.slice(0, at);
  const domain = upn.slice(at + 1).toLowerCase();
  if (
    at <= 0 ||
    alias.length > 64 ||
    !upnAlias.test(alias) ||
    alias.startsWith('.') ||
    alias.endsWith('.') ||
    alias.includes('..')
  ) {
    throw graphErrors.invalidValues();
  }
  const state = call.ctx.store.state;
  if (!state.domains.some((d) => d.id === domain && d.isVerified)) throw graphErrors.upnDomainNotVerified();
  if (!meetsComplexity(profile.password)) throw graphErrors.passwordComplexity();
  // Uniqueness is enforced by the directory itself, so it also sees objects not yet replicated to readers.
  if (state.users.some((u) => u.deletedAt === undefined && u.userPrincipalName.toLowerCase() === upn.toLowerCase())) {
    throw graphErrors.objectConflict('userPrincipalName');
  }

  const { hash, salt } = hashPassword(profile.password);
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (
      ![
        'accountEnabled',
        'displayName',
        'mailNickname',
        'userPrincipalName',
        'passwordProfile',
        '@odata.type',
      ].includes(key)
    )
      extra[key] = value;
  }
  const user: UserRecord = {
    id: randomUUID(),
    createdAt: call.now,
    visibleAt: call.now + call.ctx.config.consistencyLagMs,
    accountEnabled: body.accountEnabled as boolean,
    displayName,
    mailNickname,
    userPrincipalName: `${alias}@${domain}`,
    passwordHash: hash,
    passwordSalt: salt,
    forceChangePasswordNextSignIn:
      profile.forceChangePasswordNextSignIn === true || profile.forceChangePasswordNextSignInWithMfa === true,
    extra,
  };
  call.ctx.store.mutate((s) => s.users.push(user));
  return entityReply(call, 201, 'users', userView(user, undefined));
}

function getUser(call: GraphCall) {
  const query = call.query({ select: true });
  return entityReply(call, 200, 'users', userView(requireUser(call, call.params.id!), query.select));
}

function getMe(call: GraphCall) {
  const query = call.query({ select: true });
  const user = findUser(call, call.caller.objectId);
  if (!user) throw graphErrors.directoryObjectNotFound(call.caller.objectId);
  return entityReply(call, 200, 'users', userView(user, query.select));
}

function listUsers(call: GraphCall) {
  const query = call.query({ filter: true, select: true, top: true, orderBy: true });
  checkSelect(query.select, userKnownProperties, 'user');
  let users = call.ctx.store.state.users.filter((u) => isVisible(u, call.now));
  if (query.filter) users = users.filter(compileFilter(query.filter, userFilterSchema));
  if (query.orderBy) {
    const property = userFilterSchema.properties[query.orderBy.property.toLowerCase()];
    if (!property) throw graphErrors.unsupportedFilterProperty(query.orderBy.property, 'User');
    const sign = query.orderBy.descending ? -1 : 1;
    users = [...users].sort((a, b) => sign * show(property.get(a) ?? '').localeCompare(show(property.get(b) ?? '')));
  }
  const page = paginate(users, call.exchange.url, query.top, query.skipToken, 100);
  return collectionReply(call, 'users', {
    items: page.items.map((u) => userView(u, query.select)),
    ...(page.nextLink ? { nextLink: page.nextLink } : {}),
  });
}

function deleteUser(call: GraphCall) {
  const user = requireUser(call, call.params.id!);
  call.ctx.store.mutate((s) => {
    const stored = s.users.find((u) => u.id === user.id)!;
    stored.deletedAt = call.now;
    for (const [groupId, members] of Object.entries(s.directMembers))
      s.directMembers[groupId] = members.filter((m) => m !== user.id);
  });
  return noContent();
}

export const userRoutes: RouteDefinition[] = [
  { method: 'GET', template: '/v1.0/users', permissions: permissions.usersRead, handler: listUsers },
  { method: 'POST', template: '/v1.0/users', permissions: permissions.usersWrite, handler: createUser },
  { method: 'GET', template: '/v1.0/users/{id}', permissions: permissions.usersRead, handler: getUser },
  { method: 'DELETE', template: '/v1.0/users/{id}', permissions: permissions.usersWrite, handler: deleteUser },
  { method: 'GET', template: '/v1.0/me', permissions: permissions.me, handler: getMe },
];
