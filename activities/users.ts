// The requestor's user account: create (or adopt) and delete, once per UPN across runs (keyed-objects.ts).

import { randomBytes, randomInt } from 'node:crypto';
import type { Client } from '@microsoft/microsoft-graph-client';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { graphCallOrNotFound, notFound, type FoundObject } from './graph-call.js';
import { type KeyedObjectGraph, makeOnce, removeOnce } from './keyed-objects.js';
import { upnAlias } from '../common/defaults.js';
import type { Holder } from '../common/object-keys.js';
import type { MadeObject, RemovedObject } from './types.js';

export interface CreateUserInput {
  holder: Holder;
  userPrincipalName: string;
  displayName: string;
}

export interface DeleteUserInput {
  holder: Holder;
  userPrincipalName: string;
}

/**
 * A password that meets Entra's complexity rules (upper, lower, digit, symbol; 8–256 characters). It exists only
 * inside createUser: never an input, never returned, never logged. The user must change it at first sign-in.
 */
function generatePassword(): string {
  const pick = (set: string) => set[randomInt(set.length)] as string;
  return `${pick('ABCDEFGHJKLMNPQRSTUVWXYZ')}${pick('abcdefghijkmnopqrstuvwxyz')}${pick('23456789')}${pick('!#%+-=?@^_~')}${randomBytes(18).toString('base64url')}`;
}

/** A mailNickname from the UPN's alias: only the characters a nickname may hold. */
function nicknameOf(userPrincipalName: string): string {
  return (
    upnAlias(userPrincipalName)
      .replace(/[^A-Za-z0-9_-]/g, '')
      .slice(0, 64) || 'user'
  );
}

export function userActivities(graph: Client) {
  function userGraph(userPrincipalName: string, displayName = userPrincipalName): KeyedObjectGraph {
    return {
      what: `user ${userPrincipalName}`,
      calls: { create: 'POST /v1.0/users', remove: 'DELETE /v1.0/users/{id}', read: 'GET /v1.0/users/{id}' },
      async findAll() {
        const user = await graphCallOrNotFound(
          { description: `look up user ${userPrincipalName}`, call: 'GET /v1.0/users/{id}' },
          () =>
            graph
              .api(`/users/${encodeURIComponent(userPrincipalName)}`)
              .select('id,userPrincipalName,createdDateTime')
              .get() as Promise<FoundObject>,
        );
        return user === notFound ? [] : [user];
      },
      async create() {
        const user = (await graph.api('/users').post({
          accountEnabled: true,
          displayName,
          mailNickname: nicknameOf(userPrincipalName),
          userPrincipalName,
          passwordProfile: { forceChangePasswordNextSignIn: true, password: generatePassword() },
        })) as FoundObject;
        return user.id;
      },
      // Graph refuses a second user with a UPN (even one not visible yet): it is there, so look it up.
      isAlreadyThere: (error) =>
        error instanceof GraphError && error.statusCode === 400 && String(error.body).includes('ObjectConflict'),
      remove: (id) => graph.api(`/users/${id}`).delete() as Promise<unknown>,
      read: (id) => graph.api(`/users/${id}`).select('id').get() as Promise<unknown>,
    };
  }

  return {
    /** POST /users, unless the UPN exists (adopted, never duplicated: Graph refuses a second UPN anyway). */
    createUser(input: CreateUserInput): Promise<MadeObject> {
      return makeOnce(
        input.holder,
        { kind: 'user', userPrincipalName: input.userPrincipalName },
        userGraph(input.userPrincipalName, input.displayName),
      );
    },

    /** DELETE /users/{id} when this run is the last to hold a user that a run created. */
    deleteUser(input: DeleteUserInput): Promise<RemovedObject> {
      return removeOnce(
        input.holder,
        { kind: 'user', userPrincipalName: input.userPrincipalName },
        userGraph(input.userPrincipalName),
      );
    },
  };
}
