// The steps of the saga, one per Graph operation: each one's activity, the summary the Web UI shows for it, what the
// progress shows when it is done, and — for a step that makes something — the one way its object is registered with
// the compensation stack. provision-access-package.ts puts them in the tutorial's order.

import type { Holder, ObjectKey } from '../common/object-keys.js';
import type { DeliveryWindow } from '../common/request-states.js';
import type { ValidProvisioningInput } from '../common/validation.js';
import type { MadeObject } from '../activities/types.js';
import type { CatalogResource } from '../activities/catalog.js';
import { forwardReads, forwardWrites } from './activity-proxies.js';
import { joinSteps } from './join.js';
import type { RunState } from './run-state.js';
import type { Saga } from './saga.js';

export type { MadeObject };

/** A role of a catalog resource, as a role scope names it. */
export interface ResourceRole {
  roleId: string;
  roleOriginId: string;
}

/** The assignment request the run made, or found already made. */
export interface AssignmentRequest {
  requestId: string;
  state: string;
  /** This run asked for the assignment (or its policy is this run's): removing it is this run's job. */
  ownedByRun: boolean;
  /** When this tenant's deliveries usually come, as the worker has seen them: the reads are planned from it. */
  expected?: DeliveryWindow;
}

function describeMade(made: MadeObject): string {
  const strays = made.strays.length
    ? `; removed ${made.strays.length} stray ${made.strays.length === 1 ? 'copy' : 'copies'} (${made.strays.join(', ')})`
    : '';
  return `${made.created ? 'created' : 'adopted'} ${made.id}${strays}`;
}

export function sagaSteps(run: { saga: Saga; state: RunState; holder: Holder; input: ValidProvisioningInput }) {
  const { saga, state, holder, input } = run;
  const writes = forwardWrites();

  /** Registers the object under its key before the step runs, and records what the step made or adopted. */
  async function make(
    step: Parameters<RunState['step']>[0],
    key: ObjectKey,
    name: string,
    call: () => Promise<MadeObject>,
  ): Promise<MadeObject> {
    const tracked = saga.register(key.kind, name, key);
    const made = await state.step(step, call, describeMade);
    tracked.record = {
      kind: key.kind,
      name,
      id: made.id,
      created: made.created,
      key,
      ...(made.strays.length ? { strays: made.strays } : {}),
    };
    state.recordObject(tracked.record);
    return made;
  }

  return {
    /** Read-only checks, so that bad input fails with nothing created: permissions, the requestor's domain, the catalog. */
    preflight: () =>
      state.step(
        'preflight',
        async () => {
          const [, , catalog] = await joinSteps([
            forwardReads.checkPermissions.executeWithOptions(
              { summary: 'check the Graph permissions of the worker' },
              [],
            ),
            forwardReads.checkRequestorDomain.executeWithOptions({ summary: `check domain of ${input.requestorUpn}` }, [
              { userPrincipalName: input.requestorUpn },
            ]),
            forwardReads.findCatalog.executeWithOptions({ summary: `find catalog "${input.catalogName}"` }, [
              { catalogName: input.catalogName },
            ]),
          ]);
          return catalog;
        },
        (c) => `catalog ${c.catalogId}`,
      ),

    createUser: () =>
      make('createUser', { kind: 'user', userPrincipalName: input.requestorUpn }, input.requestorUpn, () =>
        writes.createUser.executeWithOptions({ summary: `create user ${input.requestorUpn}` }, [
          { holder, userPrincipalName: input.requestorUpn, displayName: input.requestorDisplayName },
        ]),
      ),

    createGroup: () =>
      make('createGroup', { kind: 'group', mailNickname: input.groupMailNickname }, input.groupName, () =>
        writes.createGroup.executeWithOptions({ summary: `create group "${input.groupName}"` }, [
          { holder, displayName: input.groupName, mailNickname: input.groupMailNickname, description: input.groupName },
        ]),
      ),

    addGroupToCatalog: (catalogId: string, group: MadeObject) =>
      make('addGroupToCatalog', { kind: 'catalogResource', catalogId, groupId: group.id }, input.groupName, () =>
        writes.addGroupToCatalog.executeWithOptions({ summary: `add group ${group.id} to catalog ${catalogId}` }, [
          { holder, catalogId, groupId: group.id, groupCreated: group.created },
        ]),
      ),

    findCatalogResource: (catalogId: string, group: MadeObject): Promise<CatalogResource> =>
      state.step(
        'findCatalogResource',
        () =>
          forwardReads.findCatalogResource.executeWithOptions(
            { summary: `find group ${group.id} in catalog ${catalogId}` },
            [{ catalogId, groupId: group.id }],
          ),
        (r) => `resource ${r.resourceId}`,
      ),

    findMemberRole: (catalogId: string, resource: CatalogResource): Promise<ResourceRole> =>
      state.step(
        'findMemberRole',
        () =>
          forwardReads.findMemberRole.executeWithOptions(
            { summary: `find the Member role of resource ${resource.resourceId}` },
            [{ catalogId, resourceId: resource.resourceId }],
          ),
        (r) => `role ${r.roleOriginId}`,
      ),

    createAccessPackage: (catalogId: string) =>
      make(
        'createAccessPackage',
        { kind: 'accessPackage', catalogId, displayName: input.packageName },
        input.packageName,
        () =>
          writes.createAccessPackage.executeWithOptions({ summary: `create access package "${input.packageName}"` }, [
            { holder, catalogId, displayName: input.packageName, description: input.packageName },
          ]),
      ),

    createPolicy: (accessPackage: MadeObject, user: MadeObject) =>
      make(
        'createPolicy',
        {
          kind: 'assignmentPolicy',
          accessPackageId: accessPackage.id,
          displayName: input.policyName,
          requestorId: user.id,
        },
        input.policyName,
        () =>
          writes.createPolicy.executeWithOptions({ summary: `create policy "${input.policyName}"` }, [
            {
              holder,
              accessPackageId: accessPackage.id,
              packageCreated: accessPackage.created,
              displayName: input.policyName,
              description: `${input.policyName} can request assignment`,
              requestorId: user.id,
              durationDays: input.durationDays,
            },
          ]),
      ),

    addRoleScope: (accessPackage: MadeObject, resource: CatalogResource, role: ResourceRole) =>
      make(
        'addRoleScope',
        {
          kind: 'roleScope',
          accessPackageId: accessPackage.id,
          roleOriginId: role.roleOriginId,
          scopeOriginId: resource.scopeOriginId,
        },
        `Member of ${input.groupName}`,
        () =>
          writes.addRoleScope.executeWithOptions(
            { summary: `add the Member role to access package ${accessPackage.id}` },
            [
              {
                holder,
                accessPackageId: accessPackage.id,
                packageCreated: accessPackage.created,
                resourceId: resource.resourceId,
                ...role,
                scopeId: resource.scopeId,
                scopeOriginId: resource.scopeOriginId,
              },
            ],
          ),
      ),

    /** adminAdd; the assignment is registered before the request, so that a request made but never reported is undone. */
    async requestAssignment(
      accessPackage: MadeObject,
      policy: MadeObject,
      user: MadeObject,
    ): Promise<AssignmentRequest> {
      const tracked = saga.register('assignment', input.requestorUpn);
      const requested = await state.step(
        'requestAssignment',
        () =>
          writes.requestAssignment.executeWithOptions(
            { summary: `adminAdd ${input.requestorUpn} to "${input.packageName}"` },
            [
              {
                accessPackageId: accessPackage.id,
                policyId: policy.id,
                targetId: user.id,
                policyCreated: policy.created,
              },
            ],
          ),
        (r) => `request ${r.requestId} ${r.state}`,
      );
      // A requestor found assigned already under a policy the run adopted was assigned by an earlier run.
      const ownedByRun = policy.created || !requested.alreadyAssigned;
      tracked.record = { kind: 'assignment', name: input.requestorUpn, id: requested.requestId, created: ownedByRun };
      state.recordObject(tracked.record);
      state.setRequestState(requested.state);
      return { requestId: requested.requestId, state: requested.state, ownedByRun, expected: requested.expected };
    },
  };
}
