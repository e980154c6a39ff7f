// The steps of the saga, one per Graph operation: each one's activity, the summary the Web UI shows for it, what the
// progress shows when it is done, and — for a step that makes something — the one way its object is registered with
// the compensation stack. provision-access-package.ts puts them in the tutorial's order.

import type { Holder, ObjectKey } from '../common/object-keys.js';
import type { ResourceKind } from '../common/provisioning.js';
import type { DeliveryWindow } from '../common/request-states.js';
import { type ValidProvisioningInput, type ValidResource, defaultGroupRole } from '../common/validation.js';
import { approvalDefaults, parseApprover } from '../common/approvals.js';
import type { ResolvedStage } from '../activities/approvals.js';
import type { FoundApplication } from '../activities/applications.js';
import type { MadeObject } from '../activities/types.js';
import type { CatalogResource, ResourceRoleFound } from '../activities/catalog.js';
import { forwardReads, forwardWrites } from './activity-proxies.js';
import { joinSteps } from './join.js';
import { type Waker, awaitRequestorsRequest } from './people.js';
import type { RunState, StepKey } from './run-state.js';
import type { Saga } from './saga.js';

export type { MadeObject };

/** The assignment request the run made, or found already made. */
export interface AssignmentRequest {
  requestId: string;
  state: string;
  /** This run asked for the assignment (or its policy is this run's): removing it is this run's job. */
  ownedByRun: boolean;
  /** When this tenant's deliveries usually come, as the worker has seen them: the reads are planned from it. */
  expected?: DeliveryWindow;
}

/** A resource of the package as the run knows it, step by step. */
export interface PackageResource {
  spec: ValidResource;
  /** For messages and step names: `group "Marketing resources"`, `app "Expenses"`, `site https://…/sites/Sales`. */
  label: string;
  /** A group's object (made or adopted); an app's service principal and the role ids its role name means. */
  group?: MadeObject;
  app?: FoundApplication;
  catalogResource?: CatalogResource;
  role?: ResourceRoleFound;
}

const originSystems = { app: 'AadApplication', site: 'SharePointOnline' } as const;

function resourceLabel(spec: ValidResource): string {
  switch (spec.kind) {
    case 'group':
      return `group "${spec.name}"`;
    case 'app':
      return `app "${spec.app}"`;
    case 'site':
      return `site ${spec.url}`;
  }
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
  // The tutorial's package — one group, its Member role — keeps the tutorial's step names; other packages name each
  // resource's steps after it.
  const tutorialShape =
    input.resources.length === 1 &&
    input.resources[0]?.kind === 'group' &&
    input.resources[0].role === defaultGroupRole;
  const stepOf = (base: StepKey, resource: PackageResource): StepKey =>
    tutorialShape ? base : `${base} (${resource.label})`;
  const kinds = [...new Set(input.resources.map((r) => r.kind))] satisfies ResourceKind[];
  const approverGroups = (input.approval?.stages ?? []).some((stage) =>
    [...stage.approvers, ...(stage.fallbackApprovers ?? []), ...(stage.escalationApprovers ?? [])].some(
      (ref) => parseApprover(ref)?.kind === 'group',
    ),
  );

  /** Registers the object under its key before the step runs, and records what the step made or adopted. */
  async function make(
    step: StepKey,
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
    /**
     * Read-only checks: the worker's permissions (an app's or a site's only when the package has one), the requestor's
     * domain, the catalog; and each application and site named, with its role.
     */
    preflight: () =>
      state.step(
        'preflight',
        async () => {
          const [, , catalog] = await joinSteps([
            forwardReads.checkPermissions.executeWithOptions({ summary: 'check the Graph permissions of the worker' }, [
              { resourceKinds: kinds, ...(approverGroups ? { approverGroups } : {}) },
            ]),
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

    /** The package's resources as the run will follow them. */
    resources: (): PackageResource[] => input.resources.map((spec) => ({ spec, label: resourceLabel(spec) })),

    /** An application's service principal and the app role its role name means (read-only: a preflight of its own). */
    findApplication: async (resource: PackageResource, index: number) => {
      if (resource.spec.kind !== 'app') return;
      const { app, role } = resource.spec;
      resource.app = await state.step(
        stepOf('findApplication', resource),
        () =>
          forwardReads.findApplication.executeWithOptions({ summary: `find application "${app}"` }, [
            { app, role, field: `resources[${index}]` },
          ]),
        (a) => `service principal ${a.servicePrincipalId}`,
      );
      resource.label = `app "${resource.app.displayName}"`;
    },

    /** A site exists (a dry run's check; a run learns its roles once the site is in the catalog). */
    findSite: async (resource: PackageResource, index: number) => {
      if (resource.spec.kind !== 'site') return;
      const { url } = resource.spec;
      await state.step(
        stepOf('findSite', resource),
        () =>
          forwardReads.findSite.executeWithOptions({ summary: `find site ${url}` }, [
            { url, field: `resources[${index}]` },
          ]),
        (s) => `site ${s.siteId}`,
      );
    },

    /** The approvers of each stage found in the directory (read-only, beside the preflight). */
    resolveApprovers: async (): Promise<ResolvedStage[] | undefined> => {
      const approval = input.approval;
      if (!approval) return undefined;
      const { stages } = await state.step(
        'resolveApprovers',
        () =>
          forwardReads.resolveApprovers.executeWithOptions(
            { summary: `find the approvers of ${approval.stages.length} approval stage(s)` },
            [{ approval }],
          ),
        (r) => `${r.stages.length} stage(s): ${r.stages.map((s) => s.primaryApprovers.length).join(', ')} approver(s)`,
      );
      return stages;
    },

    createUser: () =>
      make('createUser', { kind: 'user', userPrincipalName: input.requestorUpn }, input.requestorUpn, () =>
        writes.createUser.executeWithOptions({ summary: `create user ${input.requestorUpn}` }, [
          { holder, userPrincipalName: input.requestorUpn, displayName: input.requestorDisplayName },
        ]),
      ),

    createGroup: async (resource: PackageResource) => {
      if (resource.spec.kind !== 'group') return;
      const { name, mailNickname } = resource.spec;
      resource.group = await make(stepOf('createGroup', resource), { kind: 'group', mailNickname }, name, () =>
        writes.createGroup.executeWithOptions({ summary: `create group "${name}"` }, [
          { holder, displayName: name, mailNickname, description: name },
        ]),
      );
    },

    /** The resource into the catalog, then the catalog resource and the role the package grants, once visible. */
    addToCatalog: async (catalogId: string, resource: PackageResource) => {
      const { spec } = resource;
      if (spec.kind === 'group') {
        const group = resource.group as MadeObject;
        await make(
          stepOf('addGroupToCatalog', resource),
          { kind: 'catalogResource', catalogId, groupId: group.id },
          spec.name,
          () =>
            writes.addGroupToCatalog.executeWithOptions({ summary: `add group ${group.id} to catalog ${catalogId}` }, [
              { holder, catalogId, groupId: group.id, groupCreated: group.created },
            ]),
        );
      } else {
        const originSystem = originSystems[spec.kind];
        const originId = spec.kind === 'app' ? (resource.app as FoundApplication).servicePrincipalId : spec.url;
        await make(
          stepOf('addResourceToCatalog', resource),
          { kind: 'catalogResource', catalogId, originSystem, originId },
          resource.label,
          () =>
            writes.addResourceToCatalog.executeWithOptions(
              { summary: `add ${resource.label} to catalog ${catalogId}` },
              [{ holder, catalogId, originSystem, originId }],
            ),
        );
      }
      const origin =
        spec.kind === 'group'
          ? { catalogId, groupId: (resource.group as MadeObject).id }
          : spec.kind === 'app'
            ? {
                catalogId,
                originSystem: originSystems.app,
                originId: (resource.app as FoundApplication).servicePrincipalId,
              }
            : { catalogId, originSystem: originSystems.site, originId: spec.url };
      const found = await state.step(
        stepOf('findCatalogResource', resource),
        () =>
          forwardReads.findCatalogResource.executeWithOptions(
            { summary: `find ${resource.label} in catalog ${catalogId}` },
            [origin],
          ),
        (r) => `resource ${r.resourceId}`,
      );
      resource.catalogResource = found;
      resource.role = await state.step(
        stepOf(tutorialShape ? 'findMemberRole' : 'findResourceRole', resource),
        () =>
          tutorialShape
            ? forwardReads.findMemberRole.executeWithOptions(
                { summary: `find the Member role of resource ${found.resourceId}` },
                [{ catalogId, resourceId: found.resourceId }],
              )
            : forwardReads.findResourceRole.executeWithOptions(
                { summary: `find the ${spec.role} role of resource ${found.resourceId}` },
                [
                  {
                    catalogId,
                    resourceId: found.resourceId,
                    originSystem: spec.kind === 'group' ? 'AadGroup' : originSystems[spec.kind],
                    role: spec.role,
                    originIds: resource.app?.roleIds,
                  },
                ],
              ),
        (r) => `role ${r.roleOriginId}`,
      );
    },

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

    createPolicy: (accessPackage: MadeObject, user: MadeObject, approvalStages?: ResolvedStage[]) =>
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
              ...(approvalStages ? { approvalStages } : {}),
            },
          ]),
      ),

    addRoleScope: (accessPackage: MadeObject, resource: PackageResource) => {
      const found = resource.catalogResource as CatalogResource;
      const role = resource.role as ResourceRoleFound;
      const originSystem = resource.spec.kind === 'group' ? 'AadGroup' : originSystems[resource.spec.kind];
      return make(
        stepOf('addRoleScope', resource),
        {
          kind: 'roleScope',
          accessPackageId: accessPackage.id,
          roleOriginId: role.roleOriginId,
          scopeOriginId: found.scopeOriginId,
        },
        tutorialShape
          ? `Member of ${resource.spec.kind === 'group' ? resource.spec.name : ''}`
          : `${resource.spec.role} of ${resource.label}`,
        () =>
          writes.addRoleScope.executeWithOptions(
            {
              summary: tutorialShape
                ? `add the Member role to access package ${accessPackage.id}`
                : `add the ${resource.spec.role} role of ${resource.label} to access package ${accessPackage.id}`,
            },
            [
              {
                holder,
                accessPackageId: accessPackage.id,
                packageCreated: accessPackage.created,
                resourceId: found.resourceId,
                ...role,
                scopeId: found.scopeId,
                scopeOriginId: found.scopeOriginId,
                ...(originSystem === 'AadGroup' ? {} : { originSystem }),
              },
            ],
          ),
      );
    },

    /**
     * The requestor asks themself (userAdd, in My Access or with `entra-saga request`): the run waits for the request.
     * The assignment is registered first, so that a request made after the run stopped waiting is undone too.
     */
    async awaitRequest(
      accessPackage: MadeObject,
      user: MadeObject,
      waker: Waker,
      since: string,
    ): Promise<AssignmentRequest & { createdDateTime?: string }> {
      const tracked = saga.register('assignment', input.requestorUpn);
      tracked.record = { kind: 'assignment', name: input.requestorUpn, id: '', created: true };
      const found = await state.step(
        'awaitRequest',
        () =>
          awaitRequestorsRequest({
            state,
            waker,
            accessPackageId: accessPackage.id,
            targetId: user.id,
            requestorUpn: input.requestorUpn,
            timeoutHours: input.requestTimeoutHours ?? approvalDefaults.requestTimeoutHours,
            remindEveryHours: input.approval?.remindEveryHours ?? approvalDefaults.remindEveryHours,
            since,
          }),
        (r) => `request ${r.requestId} ${r.state}`,
      );
      tracked.record = { kind: 'assignment', name: input.requestorUpn, id: found.requestId, created: true };
      state.recordObject(tracked.record);
      state.setRequestState(found.state);
      state.updateApproval((a) => (a.requestId = found.requestId));
      return { ...found, ownedByRun: true };
    },

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
