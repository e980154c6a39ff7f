// The access package and the resource role scope that puts the group's Member role into it, each made once per key
// across runs (keyed-objects.ts).

import type { Client } from '@microsoft/microsoft-graph-client';
import { EM, graphCall, odataString, visible, type FoundObject, type GraphList } from './graph-call.js';
import { type KeyedObjectGraph, makeOnce, removeOnce } from './keyed-objects.js';
import type { Holder } from '../common/object-keys.js';
import type { MadeObject, RemovedObject } from './types.js';

interface AccessPackageRecord extends FoundObject {
  displayName: string;
  catalog?: { id: string };
}

interface RoleScopeRecord extends FoundObject {
  role?: { id: string; originId: string };
  scope?: { id: string; originId: string };
}

export interface CreateAccessPackageInput {
  holder: Holder;
  catalogId: string;
  displayName: string;
  description: string;
}

export interface DeleteAccessPackageInput {
  holder: Holder;
  catalogId: string;
  displayName: string;
}

export interface AddRoleScopeInput {
  holder: Holder;
  accessPackageId: string;
  /** The run created the package moments ago: it has no role scopes yet, so a first maker skips the lookup. */
  packageCreated?: boolean;
  resourceId: string;
  roleId: string;
  roleOriginId: string;
  scopeId: string;
  scopeOriginId: string;
  /** The resource's origin system; the tutorial's group (AadGroup) when not given. */
  originSystem?: 'AadGroup' | 'AadApplication' | 'SharePointOnline';
}

export interface RemoveRoleScopeInput {
  holder: Holder;
  accessPackageId: string;
  roleOriginId: string;
  scopeOriginId: string;
}

export function accessPackageActivities(graph: Client) {
  function packageGraph(catalogId: string, displayName: string, description = displayName): KeyedObjectGraph {
    return {
      what: `access package "${displayName}"`,
      calls: {
        create: `POST /v1.0${EM}/accessPackages`,
        remove: `DELETE /v1.0${EM}/accessPackages/{id}`,
        read: `GET /v1.0${EM}/accessPackages/{id}`,
      },
      async findAll() {
        const page = await graphCall(
          { description: `look up access package "${displayName}"`, call: `GET /v1.0${EM}/accessPackages` },
          () =>
            graph
              .api(`${EM}/accessPackages`)
              .filter(`displayName eq ${odataString(displayName)}`)
              .expand('catalog')
              .get() as Promise<GraphList<AccessPackageRecord>>,
        );
        return page.value.filter((p) => p.catalog?.id === catalogId);
      },
      async create() {
        const created = (await graph.api(`${EM}/accessPackages`).post({
          displayName,
          description,
          isHidden: false,
          catalog: { id: catalogId },
        })) as FoundObject;
        return created.id;
      },
      remove: (id) => graph.api(`${EM}/accessPackages/${id}`).delete() as Promise<unknown>,
      read: (id) => graph.api(`${EM}/accessPackages/${id}`).select('id').get() as Promise<unknown>,
    };
  }

  function roleScopeGraph(key: Omit<RemoveRoleScopeInput, 'holder'>, add?: AddRoleScopeInput): KeyedObjectGraph {
    const scopes = `${EM}/accessPackages/${key.accessPackageId}/resourceRoleScopes`;
    return {
      what: `role scope ${key.roleOriginId} of access package ${key.accessPackageId}`,
      calls: {
        create: `POST /v1.0${EM}/accessPackages/{id}/resourceRoleScopes`,
        remove: `DELETE /v1.0${EM}/accessPackages/{id}/resourceRoleScopes/{roleScopeId}`,
        read: `GET /v1.0${EM}/accessPackages/{id}/resourceRoleScopes/{roleScopeId}`,
      },
      async findAll() {
        const page = await graphCall(
          {
            description: `list role scopes of access package ${key.accessPackageId}`,
            call: `GET /v1.0${EM}/accessPackages/{id}/resourceRoleScopes`,
            mayLag: true,
          },
          () => graph.api(scopes).expand('role,scope').get() as Promise<GraphList<RoleScopeRecord>>,
        );
        return page.value.filter(
          (rs) => rs.role?.originId === key.roleOriginId && rs.scope?.originId === key.scopeOriginId,
        );
      },
      async create() {
        if (!add) throw new Error('a role scope is created only by addRoleScope');
        const originSystem = add.originSystem ?? 'AadGroup';
        const created = (await graph.api(scopes).post({
          role: { id: add.roleId, originId: add.roleOriginId, originSystem, resource: { id: add.resourceId } },
          scope: { id: add.scopeId, originId: add.scopeOriginId, originSystem, isRootScope: true },
        })) as FoundObject;
        return created.id;
      },
      remove: (id) => graph.api(`${scopes}/${id}`).delete() as Promise<unknown>,
      read: (id) => graph.api(`${scopes}/${id}`).get() as Promise<unknown>,
    };
  }

  const roleScopeKey = (input: Omit<RemoveRoleScopeInput, 'holder'>) =>
    ({
      kind: 'roleScope',
      accessPackageId: input.accessPackageId,
      roleOriginId: input.roleOriginId,
      scopeOriginId: input.scopeOriginId,
    }) as const;

  return {
    /** POST accessPackages in the catalog, unless a package of that name is there (adopted). */
    createAccessPackage(input: CreateAccessPackageInput): Promise<MadeObject> {
      return makeOnce(
        input.holder,
        { kind: 'accessPackage', catalogId: input.catalogId, displayName: input.displayName },
        packageGraph(input.catalogId, input.displayName, input.description),
      );
    },

    /** DELETE accessPackages/{id} (and its role scopes and policies with it); Graph refuses while assignments exist. */
    deleteAccessPackage(input: DeleteAccessPackageInput): Promise<RemovedObject> {
      return removeOnce(
        input.holder,
        { kind: 'accessPackage', catalogId: input.catalogId, displayName: input.displayName },
        packageGraph(input.catalogId, input.displayName),
      );
    },

    /** POST accessPackages/{id}/resourceRoleScopes: a resource's role (the group's Member role) at its root scope. */
    addRoleScope(input: AddRoleScopeInput): Promise<MadeObject> {
      return makeOnce(input.holder, roleScopeKey(input), roleScopeGraph(input, input), {
        parentJustMade: input.packageCreated,
        probe: visible(graph, `${EM}/accessPackages/${input.accessPackageId}`),
      });
    },

    /** DELETE accessPackages/{id}/resourceRoleScopes/{id} when this run is the last to hold a scope a run added. */
    removeRoleScope(input: RemoveRoleScopeInput): Promise<RemovedObject> {
      return removeOnce(input.holder, roleScopeKey(input), roleScopeGraph(input));
    },
  };
}
