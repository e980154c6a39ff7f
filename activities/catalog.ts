// The catalog side of the tutorial: find the catalog, add the group to it as a resource (and remove it), and find the
// catalog resource and its Member role once Entra has made them visible.

import type { Client } from '@microsoft/microsoft-graph-client';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { FailureType } from '../common/failure-types.js';
import { visibilityRetryDelayMs } from './failures.js';
import { EM, graphCall, odataString, untilVisible, visible, type GraphList } from './graph-call.js';
import { type KeyedObjectGraph, makeOnce, removeOnce } from './keyed-objects.js';
import type { Holder } from '../common/object-keys.js';
import type { MadeObject, RemovedObject } from './types.js';

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

const catalogResourceKey = (input: CatalogGroupInput) =>
  ({ kind: 'catalogResource', catalogId: input.catalogId, groupId: input.groupId }) as const;

/** Graph's answer for a group that is not a resource of the catalog (the resource list has no GET by originId). */
function notInCatalog(input: CatalogGroupInput): GraphError {
  return Object.assign(new GraphError(404, `group ${input.groupId} is not a resource of catalog ${input.catalogId}`), {
    code: 'ResourceNotFound',
  });
}

export function catalogActivities(graph: Client) {
  async function findResource(input: CatalogGroupInput, expandScopes: boolean): Promise<ResourceRecord | undefined> {
    const page = await graphCall(
      {
        description: `look up group ${input.groupId} in catalog ${input.catalogId}`,
        call: `GET /v1.0${EM}/catalogs/{catalogId}/resources`,
      },
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

  /** The group as a keyed object of the catalog; its id is the group's (the resource's originId). */
  function resourceGraph(input: CatalogGroupInput): KeyedObjectGraph {
    return {
      what: `group ${input.groupId} in catalog ${input.catalogId}`,
      calls: {
        create: `POST /v1.0${EM}/resourceRequests`,
        remove: `POST /v1.0${EM}/resourceRequests`,
        read: `GET /v1.0${EM}/catalogs/{catalogId}/resources`,
      },
      async findAll() {
        const found = await findResource(input, false);
        return found ? [{ id: input.groupId, createdDateTime: found.createdDateTime }] : [];
      },
      create: async () => {
        await resourceRequest('adminAdd', input);
        return input.groupId;
      },
      isAlreadyThere: (error) =>
        error instanceof GraphError &&
        (error.statusCode === 400 || error.statusCode === 409) &&
        isAlreadyOnboarded(error),
      remove: () => resourceRequest('adminRemove', input),
      read: async () => {
        if (!(await findResource(input, false))) throw notInCatalog(input);
      },
    };
  }

  return {
    /** GET catalogs?$filter=displayName eq '…': the catalog must exist (preflight). */
    async findCatalog(input: { catalogName: string }): Promise<{ catalogId: string }> {
      const page = await graphCall(
        { description: `find catalog "${input.catalogName}"`, call: `GET /v1.0${EM}/catalogs` },
        () =>
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
        message: `catalogName: no catalog named "${input.catalogName}" exists in the tenant; create it first or use "General"`,
      });
    },

    /**
     * POST resourceRequests (adminAdd of the AadGroup), unless the group is in the catalog (adopted). The resource is
     * known by the group's id (its originId): Graph refuses to onboard a group twice.
     */
    addGroupToCatalog(input: CatalogGroupInput & { holder: Holder; groupCreated?: boolean }): Promise<MadeObject> {
      return makeOnce(input.holder, catalogResourceKey(input), resourceGraph(input), {
        parentJustMade: input.groupCreated,
        probe: visible(graph, `/groups/${input.groupId}`),
      });
    },

    /** POST resourceRequests (adminRemove) when this run is the last to hold a resource that a run added. */
    removeGroupFromCatalog(input: CatalogGroupInput & { holder: Holder }): Promise<RemovedObject> {
      return removeOnce(input.holder, catalogResourceKey(input), resourceGraph(input));
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
    findMemberRole(input: {
      catalogId: string;
      resourceId: string;
    }): Promise<{ roleId: string; roleOriginId: string }> {
      return untilVisible(async () => {
        const page = await graphCall(
          {
            description: `find the Member role of resource ${input.resourceId}`,
            call: `GET /v1.0${EM}/catalogs/{catalogId}/resourceRoles`,
            mayLag: true,
          },
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
