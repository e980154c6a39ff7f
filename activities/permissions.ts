// Preflight: does the worker's identity hold the Graph application permissions the saga needs? Read from the
// access token's `roles` claim, before any write, so that a missing permission is named up front instead of
// failing half-way (and being rolled back).

import type { TokenCredential } from '@azure/identity';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../common/failure-types.js';
import { missingPermissions, type PermissionNeed } from '../common/permissions.js';
import type { ResourceKind } from '../common/provisioning.js';
import { classifyGraphFailure } from './failures.js';
import { currentStep } from './graph-call.js';

/** The `roles` claim of a JWT access token, or undefined when the token is opaque or has none (delegated). */
function tokenRoles(accessToken: string): string[] | undefined {
  const [, payload] = accessToken.split('.');
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : undefined;
  } catch {
    return undefined;
  }
}

export function permissionActivities(credential: TokenCredential, scope: string) {
  return {
    /**
     * Fails with PreflightFailed naming every missing permission the run needs — an application's or a site's only when
     * it has one, a group reader's only when approvers are named by group. A token whose roles cannot be read is let through: each call still meets Graph's own 403, which the
     * classifier names.
     */
    async checkPermissions(input?: {
      resourceKinds?: ResourceKind[];
      /** The policy names approvers by group (Group.Read.All). */
      approverGroups?: boolean;
    }): Promise<{ checked: boolean; roles: string[] }> {
      let token: string;
      try {
        const result = await credential.getToken(scope);
        if (!result) throw new Error('the credential returned no token');
        token = result.token;
      } catch (error) {
        throw classifyGraphFailure(
          error,
          { description: 'get a token for Microsoft Graph', call: 'GET /v1.0/users/{id}' },
          currentStep(),
        );
      }
      const roles = tokenRoles(token);
      if (!roles) return { checked: false, roles: [] };
      const needs: PermissionNeed[] = [
        ...(input?.resourceKinds ?? ['group']),
        ...(input?.approverGroups ? (['approverGroups'] as const) : []),
      ];
      const missing = missingPermissions(roles, needs);
      if (missing.length) {
        throw ApplicationFailure.create({
          type: FailureType.PreflightFailed,
          message:
            `the app lacks the Microsoft Graph application permission${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: ` +
            'grant them to the app registration and give admin consent (README, "Permissions")',
        });
      }
      return { checked: true, roles: [...roles].sort() };
    },
  };
}
