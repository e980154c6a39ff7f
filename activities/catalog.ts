// The catalog side: find the catalog, add a resource to it (the tutorial's group, an application, a SharePoint Online
// site) and remove it, and find the catalog resource and its role once Entra has made them visible.

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

/** A resource of another kind than a group: an application (its service principal's id) or a site (its URL). */
export interface CatalogOriginInput {
  catalogId: string;
  originSystem: 'AadApplication' | 'SharePointOnline';
  originId: string;
}

/** What a catalog resource is known by in Graph: its origin system and its originId. */
interface Origin {
  catalogId: string;
  originSystem: 'AadGroup' | 'AadApplication' | 'SharePointOnline';
  originId: string;
}

function originOf(input: CatalogGroupInput | CatalogOriginInput): Origin {
  return 'groupId' in input
    ? { catalogId: input.catalogId, originSystem: 'AadGroup', originId: input.groupId }
    : { catalogId: input.catalogId, originSystem: input.originSystem, originId: input.originId };
}

const originNames: Record<Origin['originSystem'], string> = {
  AadGroup: 'group',
  AadApplication: 'application',
  SharePointOnline: 'site',
};
const describeOrigin = (o: Origin) => `${originNames[o.originSystem]} ${o.originId} in catalog ${o.catalogId}`;

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

const catalogResourceKey = (input: CatalogGroupInput | CatalogOriginInput) =>
  'groupId' in input
    ? ({ kind: 'catalogResource', catalogId: input.catalogId, groupId: input.groupId } as const)
    : ({
        kind: 'catalogResource',
        catalogId: input.catalogId,
        originSystem: input.originSystem,
        originId: input.originId,
      } as const);

/** Graph's answer for a resource not in the catalog (the resource list has no GET by originId). */
function notInCatalog(origin: Origin): GraphError {
  return Object.assign(new GraphError(404, `${describeOrigin(origin)} is not there`), { code: 'ResourceNotFound' });
}

/** A role of a catalog resource, as a role scope names it. */
export interface ResourceRoleFound {
  roleId: string;
  roleOriginId: string;
}

export function catalogActivities(graph: Client) {
  async function findResource(origin: Origin, expandScopes: boolean): Promise<ResourceRecord | undefined> {
    const page = await graphCall(
      { description: `look up ${describeOrigin(origin)}`, call: `GET /v1.0${EM}/catalogs/{catalogId}/resources` },
      () => {
        const request = graph
          .api(`${EM}/catalogs/${origin.catalogId}/resources`)
          .filter(`originId eq ${odataString(origin.originId)}`);
        return (expandScopes ? request.expand('scopes') : request).get() as Promise<GraphList<ResourceRecord>>;
      },
    );
    return page.value[0];
  }

  function resourceRequest(requestType: 'adminAdd' | 'adminRemove', origin: Origin) {
    return graph.api(`${EM}/resourceRequests`).post({
      requestType,
      resource: { originId: origin.originId, originSystem: origin.originSystem },
      catalog: { id: origin.catalogId },
    }) as Promise<{ id: string; state: string }>;
  }

  /** A resource as a keyed object of the catalog; its id is its originId (Graph refuses to onboard one twice). */
  function resourceGraph(input: CatalogGroupInput | CatalogOriginInput): KeyedObjectGraph {
    const origin = originOf(input);
    return {
      what: describeOrigin(origin),
      calls: {
        create: `POST /v1.0${EM}/resourceRequests`,
        remove: `POST /v1.0${EM}/resourceRequests`,
        read: `GET /v1.0${EM}/catalogs/{catalogId}/resources`,
      },
      async findAll() {
        const found = await findResource(origin, false);
        return found ? [{ id: origin.originId, createdDateTime: found.createdDateTime }] : [];
      },
      create: async () => {
        await resourceRequest('adminAdd', origin);
        return origin.originId;
      },
      isAlreadyThere: (error) =>
        error instanceof GraphError &&
        (error.statusCode === 400 || error.statusCode === 409) &&
        isAlreadyOnboarded(error),
      remove: () => resourceRequest('adminRemove', origin),
      read: async () => {
        if (!(await findResource(origin, false))) throw notInCatalog(origin);
      },
    };
  }

  /** The roles of a resource, once Entra shows them. */
  async function resourceRoles(catalogId: string, resourceId: string, originSystem: Origin['originSystem']) {
    const page = await graphCall(
      {
        description: `list the roles of resource ${resourceId}`,
        call: `GET /v1.0${EM}/catalogs/{catalogId}/resourceRoles`,
        mayLag: true,
      },
      () =>
        graph
          .api(`${EM}/catalogs/${catalogId}/resourceRoles`)
          .filter(`(originSystem eq ${odataString(originSystem)} and resource/id eq ${odataString(resourceId)})`)
          .get() as Promise<GraphList<RoleRecord>>,
    );
    return page.value;
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

    /**
     * POST resourceRequests (adminAdd of an AadApplication — its service principal — or a SharePointOnline site),
     * unless it is in the catalog (adopted). An app needs Application.ReadWrite.All, a site Sites.FullControl.All, or
     * Graph answers CallerNotResourceOwner.
     */
    addResourceToCatalog(input: CatalogOriginInput & { holder: Holder }): Promise<MadeObject> {
      return makeOnce(input.holder, catalogResourceKey(input), resourceGraph(input));
    },

    /** POST resourceRequests (adminRemove) of an app or a site, when this run is the last to hold it. */
    removeResourceFromCatalog(input: CatalogOriginInput & { holder: Holder }): Promise<RemovedObject> {
      return removeOnce(input.holder, catalogResourceKey(input), resourceGraph(input));
    },

    /** GET catalogs/{id}/resources?$filter=originId eq '…'&$expand=scopes: the resource id and its root scope. */
    findCatalogResource(input: CatalogGroupInput | CatalogOriginInput): Promise<CatalogResource> {
      const origin = originOf(input);
      return untilVisible(async () => {
        const resource = await findResource(origin, true);
        const scope = resource?.scopes?.find((s) => s.isRootScope) ?? resource?.scopes?.[0];
        if (!resource || !scope) throw notYetVisible(describeOrigin(origin));
        return { resourceId: resource.id, scopeId: scope.id, scopeOriginId: scope.originId };
      });
    },

    /**
     * GET catalogs/{id}/resourceRoles?$filter=(originSystem eq '…' and resource/id eq '…'): the role named `role` —
     * by its display name, or by one of `originIds` (an app role's id, found from its value). A role that never shows
     * is named with the roles the resource has.
     */
    findResourceRole(input: {
      catalogId: string;
      resourceId: string;
      originSystem: Origin['originSystem'];
      role: string;
      originIds?: string[];
    }): Promise<ResourceRoleFound> {
      return untilVisible(async () => {
        const roles = await resourceRoles(input.catalogId, input.resourceId, input.originSystem);
        const wanted = input.role.toLowerCase();
        // A site's groups are named after it ("Marketing Members"): "Members" names the one such role.
        const siteGroup = roles.filter(
          (r) => input.originSystem === 'SharePointOnline' && r.displayName.toLowerCase().endsWith(` ${wanted}`),
        );
        const role =
          roles.find((r) => r.displayName.toLowerCase() === wanted || (input.originIds ?? []).includes(r.originId)) ??
          (siteGroup.length === 1 ? siteGroup[0] : undefined);
        if (role) return { roleId: role.id, roleOriginId: role.originId };
        if (roles.length === 0) throw notYetVisible(`the roles of resource ${input.resourceId}`);
        throw ApplicationFailure.create({
          type: FailureType.PreflightFailed,
          message: `role "${input.role}" is not a role of resource ${input.resourceId}; it has ${roles.map((r) => `"${r.displayName}"`).join(', ')}`,
        });
      });
    },

    /** GET catalogs/{id}/resourceRoles?$filter=(originSystem eq 'AadGroup' and resource/id eq '…'): the Member role. */
    findMemberRole(input: { catalogId: string; resourceId: string }): Promise<ResourceRoleFound> {
      return untilVisible(async () => {
        const roles = await resourceRoles(input.catalogId, input.resourceId, 'AadGroup');
        const role = roles.find((r) => r.displayName === 'Member' || r.originId.startsWith('Member_'));
        if (!role) throw notYetVisible(`the Member role of resource ${input.resourceId}`);
        return { roleId: role.id, roleOriginId: role.originId };
      });
    },
  };
}
