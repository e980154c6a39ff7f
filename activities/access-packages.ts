// The access package and the resource role scope that puts the group's Member role into it.

import type { Client } from '@microsoft/microsoft-graph-client';
import { EM, createdByThisStep, deleteCreated, firstAttempt, graphCall, graphCallOrNotFound, notFound, odataString, visible, type GraphList } from './graph-call.js';
import type { CreatedOrAdopted, UndoOutcome } from './types.js';

const permission = 'EntitlementManagement.ReadWrite.All';

interface AccessPackageRecord {
  id: string;
  displayName: string;
  createdDateTime?: string | null;
  catalog?: { id: string };
}

interface RoleScopeRecord {
  id: string;
  createdDateTime?: string | null;
  role?: { id: string; originId: string };
  scope?: { id: string; originId: string };
}

export interface CreateAccessPackageInput {
  catalogId: string;
  displayName: string;
  description: string;
}

export interface DeleteAccessPackageInput {
  id?: string;
  /** Without an id: the package with this name in this catalog, only if created at or after `createdSince`. */
  catalogId?: string;
  displayName?: string;
  createdSince?: string;
}

export interface AddRoleScopeInput {
  accessPackageId: string;
  /** The run created the package moments ago: it has no role scopes yet, so the first attempt skips the lookup. */
  packageCreated?: boolean;
  resourceId: string;
  roleId: string;
  roleOriginId: string;
  scopeId: string;
  scopeOriginId: string;
}

export function accessPackageActivities(graph: Client) {
  async function findPackage(catalogId: string, displayName: string): Promise<AccessPackageRecord | undefined> {
    const page = await graphCall({ description: `look up access package "${displayName}"`, permission }, () =>
      graph
        .api(`${EM}/accessPackages`)
        .filter(`displayName eq ${odataString(displayName)}`)
        .expand('catalog')
        .get() as Promise<GraphList<AccessPackageRecord>>,
    );
    return page.value.find((p) => p.catalog?.id === catalogId);
  }

  return {
    /** POST accessPackages in the catalog, after looking the name up there. */
    async createAccessPackage(input: CreateAccessPackageInput): Promise<CreatedOrAdopted> {
      const existing = await findPackage(input.catalogId, input.displayName);
      if (existing) return { id: existing.id, created: createdByThisStep(existing.createdDateTime) };
      const created = await graphCall({ description: `create access package "${input.displayName}"`, permission }, () =>
        graph.api(`${EM}/accessPackages`).post({
          displayName: input.displayName,
          description: input.description,
          isHidden: false,
          catalog: { id: input.catalogId },
        }) as Promise<AccessPackageRecord>,
      );
      return { id: created.id, created: true };
    },

    /** DELETE accessPackages/{id}; Graph refuses while assignments exist, so teardown removes them first. */
    deleteAccessPackage(input: DeleteAccessPackageInput): Promise<UndoOutcome> {
      const { catalogId, displayName } = input;
      return deleteCreated({
        id: input.id,
        createdSince: input.createdSince,
        find: catalogId && displayName ? () => findPackage(catalogId, displayName) : undefined,
        remove: (id) => graph.api(`${EM}/accessPackages/${id}`).delete() as Promise<unknown>,
        operation: { description: `delete access package ${input.id ?? displayName}`, permission },
      });
    },

    /** POST accessPackages/{id}/resourceRoleScopes: the group's Member role at its root scope. */
    async addRoleScope(input: AddRoleScopeInput): Promise<CreatedOrAdopted> {
      const page: GraphList<RoleScopeRecord> =
        input.packageCreated && firstAttempt()
          ? { value: [] }
          : await graphCall({ description: `list role scopes of access package ${input.accessPackageId}`, permission, mayLag: true }, () =>
              graph
                .api(`${EM}/accessPackages/${input.accessPackageId}/resourceRoleScopes`)
                .expand('role,scope')
                .get() as Promise<GraphList<RoleScopeRecord>>,
            );
      const existing = page.value.find(
        (rs) => rs.role?.originId === input.roleOriginId && rs.scope?.originId === input.scopeOriginId,
      );
      if (existing) return { id: existing.id, created: createdByThisStep(existing.createdDateTime) };
      const created = await graphCall(
        { description: `add the Member role to access package ${input.accessPackageId}`, permission, mayLag: true },
        () =>
          graph.api(`${EM}/accessPackages/${input.accessPackageId}/resourceRoleScopes`).post({
            role: { id: input.roleId, originId: input.roleOriginId, originSystem: 'AadGroup', resource: { id: input.resourceId } },
            scope: { id: input.scopeId, originId: input.scopeOriginId, originSystem: 'AadGroup', isRootScope: true },
          }) as Promise<RoleScopeRecord>,
        visible(graph, `${EM}/accessPackages/${input.accessPackageId}`),
      );
      return { id: created.id, created: true };
    },

    /** DELETE accessPackages/{id}/resourceRoleScopes/{id}: only for a package the run adopted. */
    async removeRoleScope(input: { accessPackageId: string; roleScopeId: string }): Promise<UndoOutcome> {
      const result = await graphCallOrNotFound(
        { description: `remove role scope ${input.roleScopeId} from access package ${input.accessPackageId}`, permission },
        () => graph.api(`${EM}/accessPackages/${input.accessPackageId}/resourceRoleScopes/${input.roleScopeId}`).delete() as Promise<unknown>,
      );
      return { outcome: result === notFound ? 'alreadyGone' : 'undone' };
    },
  };
}
