// The catalog side of the tutorial: find the catalog, add the group to it as a resource (and remove it), and find the
// catalog resource and its Member role once Entra has made them visible.

import type { Client } from '@microsoft/microsoft-graph-client';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { FailureType } from '../common/failure-types.js';
import { visibilityRetryDelayMs } from './failures.js';
import { EM, classified, createdAtOrAfter, createdByThisStep, firstAttempt, graphCall, graphCallOrNotFound, notFound, odataString, untilVisible, visible, type GraphList } from './graph-call.js';
import type { UndoOutcome } from './types.js';

const readPermission = 'EntitlementManagement.Read.All';
const writePermission = 'EntitlementManagement.ReadWrite.All';

interface CatalogRecord {
  id: string;
  displayName: string;
  state?: string;
}

interface ResourceRecord {
  id: string;
  originId: string;
  createdDateTime?: string | null;
  scopes?: { id: string; originId: string; isRootScope?: boolean }[];
}

interface RoleRecord {
  id: string;
  displayName: string;
  originId: string;
}

export interface CatalogGroupInput {
  catalogId: string;
  groupId: string;
}

/** The group as a resource of the catalog, and its root scope (the whole group). */
export interface CatalogResource {
  resourceId: string;
  scopeId: string;
  scopeOriginId: string;
}

/** Entra's answer to adding a resource that is already in the catalog ("…has already been onboarded…"). */
function isAlreadyOnboarded(error: GraphError): boolean {
  return error.code === 'ResourceAlreadyOnboarded' || /already (been )?onboarded/i.test(error.message);
}

function notYetVisible(what: string): ApplicationFailure {
  // Retryable: Entra shows a new catalog resource and its roles some time after the resource request is delivered.
  return ApplicationFailure.create({
    type: FailureType.NotYetVisible,
    message: `${what} is not visible yet; retrying`,
    nextRetryDelay: visibilityRetryDelayMs(Context.current().info.attempt),
  });
}

export function catalogActivities(graph: Client) {
  async function findResource(input: CatalogGroupInput, expandScopes: boolean): Promise<ResourceRecord | undefined> {
    const page = await graphCall(
      { description: `look up group ${input.groupId} in catalog ${input.catalogId}`, permission: readPermission },
      () => {
        const request = graph
          .api(`${EM}/catalogs/${input.catalogId}/resources`)
          .filter(`originId eq ${odataString(input.groupId)}`);
        return (expandScopes ? request.expand('scopes') : request).get() as Promise<GraphList<ResourceRecord>>;
      },
    );
    return page.value[0];
  }

  function resourceRequest(requestType: 'adminAdd' | 'adminRemove', input: CatalogGroupInput) {
    return graph.api(`${EM}/resourceRequests`).post({
      requestType,
      resource: { originId: input.groupId, originSystem: 'AadGroup' },
      catalog: { id: input.catalogId },
    }) as Promise<{ id: string; state: string }>;
  }

  return {
    /** GET catalogs?$filter=displayName eq '…': the catalog must exist (preflight). */
    async findCatalog(input: { catalogName: string }): Promise<{ catalogId: string }> {
      const page = await graphCall({ description: `find catalog "${input.catalogName}"`, permission: readPermission }, () =>
        graph
          .api(`${EM}/catalogs`)
          .filter(`displayName eq ${odataString(input.catalogName)}`)
          .select('id,displayName,state')
          .get() as Promise<GraphList<CatalogRecord>>,
      );
      const catalog = page.value[0];
      if (catalog) return { catalogId: catalog.id };
      throw ApplicationFailure.create({
        type: FailureType.PreflightFailed,
        nonRetryable: true,
        message: `catalogName: no catalog named "${input.catalogName}" exists in the tenant; create it first or use "General"`,
      });
    },

    /**
     * POST resourceRequests (adminAdd of the AadGroup); a group already in the catalog is adopted. A group this run
     * has just created cannot be in the catalog yet, so its first attempt skips the lookup.
     */
    async addGroupToCatalog(input: CatalogGroupInput & { groupCreated?: boolean }): Promise<{ created: boolean }> {
      const existing = input.groupCreated && firstAttempt() ? undefined : await findResource(input, false);
      if (existing) return { created: createdByThisStep(existing.createdDateTime) };
      return untilVisible(async () => {
        try {
          await resourceRequest('adminAdd', input);
          return { created: true };
        } catch (error) {
          // Already onboarded but not yet visible to our lookup: ours if an earlier attempt added it, else adopted.
          if (error instanceof GraphError && (error.statusCode === 400 || error.statusCode === 409) && isAlreadyOnboarded(error)) {
            return { created: !firstAttempt() };
          }
          throw classified(error, {
            description: `add group ${input.groupId} to catalog ${input.catalogId}`,
            permission: writePermission,
            mayLag: true,
          });
        }
      }, visible(graph, `/groups/${input.groupId}`));
    },

    /**
     * POST resourceRequests (adminRemove). A group no longer in the catalog counts as done. With `createdSince`, a
     * resource added before that time is someone else's and is left alone.
     */
    async removeGroupFromCatalog(input: CatalogGroupInput & { createdSince?: string; addedByRun?: boolean }): Promise<UndoOutcome> {
      // When the run knows it added the group, its first attempt asks at once; otherwise (or on a retry) look first.
      if (!(input.addedByRun && firstAttempt())) {
        const existing = await findResource(input, false);
        if (!existing) return { outcome: 'alreadyGone' };
        if (input.createdSince && !createdAtOrAfter(existing.createdDateTime, Date.parse(input.createdSince))) {
          return { outcome: 'skippedAdopted' };
        }
      }
      const removed = await graphCallOrNotFound(
        { description: `remove group ${input.groupId} from catalog ${input.catalogId}`, permission: writePermission },
        () => resourceRequest('adminRemove', input),
      );
      return { outcome: removed === notFound ? 'alreadyGone' : 'undone' };
    },

    /** GET catalogs/{id}/resources?$filter=originId eq '…'&$expand=scopes: the resource id and its root scope. */
    findCatalogResource(input: CatalogGroupInput): Promise<CatalogResource> {
      return untilVisible(async () => {
        const resource = await findResource(input, true);
        const scope = resource?.scopes?.find((s) => s.isRootScope) ?? resource?.scopes?.[0];
        if (!resource || !scope) throw notYetVisible(`group ${input.groupId} in catalog ${input.catalogId}`);
        return { resourceId: resource.id, scopeId: scope.id, scopeOriginId: scope.originId };
      });
    },

    /** GET catalogs/{id}/resourceRoles?$filter=(originSystem eq 'AadGroup' and resource/id eq '…'): the Member role. */
    findMemberRole(input: { catalogId: string; resourceId: string }): Promise<{ roleId: string; roleOriginId: string }> {
      return untilVisible(async () => {
        const page = await graphCall(
          { description: `find the Member role of resource ${input.resourceId}`, permission: readPermission, mayLag: true },
          () =>
            graph
              .api(`${EM}/catalogs/${input.catalogId}/resourceRoles`)
              .filter(`(originSystem eq 'AadGroup' and resource/id eq ${odataString(input.resourceId)})`)
              .get() as Promise<GraphList<RoleRecord>>,
        );
        const role = page.value.find((r) => r.displayName === 'Member' || r.originId.startsWith('Member_'));
        if (!role) throw notYetVisible(`the Member role of resource ${input.resourceId}`);
        return { roleId: role.id, roleOriginId: role.originId };
      });
    },
  };
}
