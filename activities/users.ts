// The requestor's user account: create (or adopt) and delete.

import { randomBytes, randomInt } from 'node:crypto';
import type { Client } from '@microsoft/microsoft-graph-client';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { classified, createdByThisStep, deleteCreated, graphCallOrNotFound, notFound } from './graph-call.js';
import type { CreatedOrAdopted, UndoOutcome } from './types.js';

export interface CreateUserInput {
  userPrincipalName: string;
  displayName: string;
}

export interface DeleteUserInput {
  /** The user's id when known. */
  id?: string;
  /** Without an id: delete the user with this UPN, but only if it was created at or after `createdSince`. */
  userPrincipalName?: string;
  createdSince?: string;
}

interface UserRecord {
  id: string;
  userPrincipalName: string;
  createdDateTime?: string | null;
}

const permission = 'User.ReadWrite.All';
const userFields = '$select=id,userPrincipalName,createdDateTime';

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
  const alias = userPrincipalName.slice(0, userPrincipalName.lastIndexOf('@'));
  return alias.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64) || 'user';
}

export function userActivities(graph: Client) {
  async function findUser(userPrincipalName: string): Promise<UserRecord | undefined> {
    const user = await graphCallOrNotFound({ description: `look up user ${userPrincipalName}`, permission }, () =>
      graph.api(`/users/${encodeURIComponent(userPrincipalName)}?${userFields}`).get() as Promise<UserRecord>,
    );
    return user === notFound ? undefined : user;
  }

  return {
    /** POST /users, after looking the UPN up: an existing user is adopted, never duplicated. */
    async createUser(input: CreateUserInput): Promise<CreatedOrAdopted> {
      const existing = await findUser(input.userPrincipalName);
      if (existing) return { id: existing.id, created: createdByThisStep(existing.createdDateTime) };
      const body = {
        accountEnabled: true,
        displayName: input.displayName,
        mailNickname: nicknameOf(input.userPrincipalName),
        userPrincipalName: input.userPrincipalName,
        passwordProfile: { forceChangePasswordNextSignIn: true, password: generatePassword() },
      };
      try {
        const user = (await graph.api('/users').post(body)) as UserRecord;
        return { id: user.id, created: true };
      } catch (error) {
        // Someone created the same UPN between our lookup and our POST: theirs, so adopt it.
        if (error instanceof GraphError && error.statusCode === 400 && String(error.body).includes('ObjectConflict')) {
          const raced = await findUser(input.userPrincipalName);
          if (raced) return { id: raced.id, created: false };
        }
        throw classified(error, { description: `create user ${input.userPrincipalName}`, permission });
      }
    },

    /** DELETE /users/{id}; a user that is already gone counts as done. */
    deleteUser(input: DeleteUserInput): Promise<UndoOutcome> {
      const upn = input.userPrincipalName;
      return deleteCreated({
        id: input.id,
        createdSince: input.createdSince,
        find: upn ? () => findUser(upn) : undefined,
        remove: (id) => graph.api(`/users/${id}`).delete() as Promise<unknown>,
        operation: { description: `delete user ${upn ?? input.id}`, permission },
      });
    },
  };
}
