// Assignment policies in the v1.0 shape: create for an access package, get, list (filter on accessPackage/id),
// replace with PUT (v1.0 has no PATCH for policies), delete — refused while the policy has assignments.

import { randomUUID } from 'node:crypto';
import { blocksDeletion } from '../../em/lifecycle.js';
import { graphErrors } from '../../errors/graph-errors.js';
import type { FilterSchema } from '../../odata/filter-eval.js';
import type { PolicyRecord } from '../../store/state.js';
import { permissions } from '../permissions.js';
import { noContent } from '../responses.js';
import type { GraphCall, RouteDefinition } from '../route.js';
import { requirePackage } from './access-packages.js';
import { createdReply, emBase, findById, getReply, listReply } from './em-common.js';
import { policyType } from './em-types.js';
import { normalizePolicyBody } from './policy-body.js';

const policyFilter: FilterSchema<PolicyRecord> = {
  typeName: 'accessPackageAssignmentPolicy',
  properties: {
    id: { get: (p) => p.id, ops: ['eq', 'ne'] },
    displayname: { get: (p) => p.body.displayName, ops: ['eq', 'ne', 'startswith', 'contains'] },
    'accesspackage/id': { get: (p) => p.accessPackageId, ops: ['eq'] },
    'catalog/id': { get: (p) => p.catalogId, ops: ['eq'] },
  },
};

export function requirePolicy(call: GraphCall, id: string): PolicyRecord {
  const policy = findById(call.ctx.store.state.policies, id, call.now);
  if (!policy) throw graphErrors.emNotFound('assignment policy', id);
  return policy;
}

function createPolicy(call: GraphCall) {
  const { body, accessPackageId } = normalizePolicyBody(call, call.body());
  if (!accessPackageId)
    throw graphErrors.invalidModel('accessPackage', "The 'accessPackage' property with an 'id' is required.");
  const pkg = requirePackage(call, accessPackageId);
  const policy: PolicyRecord = {
    id: randomUUID(),
    createdAt: call.now,
    visibleAt: call.now + call.ctx.config.consistencyLagMs,
    modifiedAt: call.now,
    accessPackageId: pkg.id,
    catalogId: pkg.catalogId,
    body,
  };
  call.ctx.store.mutate((s) => s.policies.push(policy));
  return createdReply(call, 'assignmentPolicies', policyType, policy);
}

function replacePolicy(call: GraphCall) {
  const policy = requirePolicy(call, call.params.id!);
  const { body, accessPackageId } = normalizePolicyBody(call, call.body());
  if (accessPackageId && accessPackageId !== policy.accessPackageId) {
    throw graphErrors.invalidModel('accessPackage', 'A policy cannot be moved to another access package.');
  }
  call.ctx.store.mutate((s) => {
    const stored = s.policies.find((p) => p.id === policy.id)!;
    stored.body = body;
    stored.modifiedAt = call.now;
  });
  return getReply(
    call,
    'assignmentPolicies',
    policyType,
    call.ctx.store.state.policies.find((p) => p.id === policy.id)!,
  );
}

function deletePolicy(call: GraphCall) {
  const policy = requirePolicy(call, call.params.id!);
  if (call.ctx.store.state.assignments.some((a) => a.policyId === policy.id && blocksDeletion(a, call.now)))
    throw graphErrors.policyHasAssignments();
  call.ctx.store.mutate((s) => {
    s.policies = s.policies.filter((p) => p.id !== policy.id);
  });
  return noContent();
}

const visiblePolicies = (call: GraphCall) => call.ctx.store.state.policies.filter((p) => p.visibleAt <= call.now);

export const policyRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    template: `${emBase}/assignmentPolicies`,
    permissions: permissions.emRead,
    handler: (call) => listReply(call, 'assignmentPolicies', policyType, visiblePolicies(call), policyFilter),
  },
  { method: 'POST', template: `${emBase}/assignmentPolicies`, permissions: permissions.emWrite, handler: createPolicy },
  {
    method: 'GET',
    template: `${emBase}/assignmentPolicies/{id}`,
    permissions: permissions.emRead,
    handler: (call) => getReply(call, 'assignmentPolicies', policyType, requirePolicy(call, call.params.id!)),
  },
  {
    method: 'PUT',
    template: `${emBase}/assignmentPolicies/{id}`,
    permissions: permissions.emWrite,
    handler: replacePolicy,
  },
  {
    method: 'DELETE',
    template: `${emBase}/assignmentPolicies/{id}`,
    permissions: permissions.emWrite,
    handler: deletePolicy,
  },
  {
    method: 'GET',
    template: `${emBase}/accessPackages/{id}/assignmentPolicies`,
    permissions: permissions.emRead,
    handler: (call) => {
      const pkg = requirePackage(call, call.params.id!);
      return listReply(
        call,
        `accessPackages('${pkg.id}')/assignmentPolicies`,
        policyType,
        visiblePolicies(call).filter((p) => p.accessPackageId === pkg.id),
        policyFilter,
      );
    },
  },
];
