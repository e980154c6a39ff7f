// Policies that require approval and let users ask for themselves: the stage shapes Graph accepts (1–3 stages, ISO
// 8601 durations, the approver types documented for each list, managerLevel 1–2) with InvalidModel naming the
// property otherwise, and who may send userAdd (requestorSettings.enableTargetsToSelfAddAccess, allowedTargetScope).
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- Graph responses are untyped JSON; the tests assert their shape. */

import { describe, expect, test } from 'vitest';
import { approvalSettings, asUser, requestorManager, singleUser, stage } from './support/approvals.js';
import { useHarness } from './support/harness.js';
import {
  createPackage,
  createUser,
  em,
  generalCatalog,
  graphFailure,
  policyBody,
  provision,
  requestAssignment,
  type Json,
} from './support/steps.js';

const h = useHarness();

async function postPolicy(patch: (approver: Json) => Json) {
  const [user, approver] = await Promise.all([
    createUser(h.graph(), h.info.domain),
    createUser(h.graph(), h.info.domain),
  ]);
  const pkg = await createPackage(h.graph(), (await generalCatalog(h.graph())).id);
  return h
    .graph()
    .api(`${em}/assignmentPolicies`)
    .post({ ...policyBody(pkg.id, user.id), ...patch(approver) }) as Promise<Json>;
}

describe('approval stages', () => {
  test('Microsoft’s two-stage example shape is accepted and read back normalized, "true" strings included', async () => {
    const policy = await postPolicy((approver) => ({
      requestApprovalSettings: {
        isApprovalRequiredForAdd: 'true',
        isApprovalRequiredForUpdate: 'false',
        stages: [
          stage({
            durationBeforeAutomaticDenial: 'P14D',
            primaryApprovers: [{ '@odata.type': '#microsoft.graph.internalSponsors' }],
            fallbackPrimaryApprovers: [singleUser(approver.id)],
          }),
          stage({
            isEscalationEnabled: true,
            durationBeforeEscalation: 'P2D',
            primaryApprovers: [requestorManager()],
            escalationApprovers: [requestorManager(2)],
            fallbackEscalationApprovers: [singleUser(approver.id)],
          }),
        ],
      },
    }));
    const read = await h.graph().api(`${em}/assignmentPolicies/${policy.id}`).get();
    expect(read.requestApprovalSettings).toMatchObject({
      isApprovalRequiredForAdd: true,
      isApprovalRequiredForUpdate: false,
      stages: [
        {
          durationBeforeAutomaticDenial: 'P14D',
          primaryApprovers: [{ '@odata.type': '#microsoft.graph.internalSponsors' }],
          fallbackPrimaryApprovers: [expect.objectContaining({ '@odata.type': '#microsoft.graph.singleUser' })],
          approverInformationVisibility: 'default',
        },
        {
          isEscalationEnabled: true,
          durationBeforeEscalation: 'P2D',
          escalationApprovers: [{ '@odata.type': '#microsoft.graph.requestorManager', managerLevel: 2 }],
        },
      ],
    });
  });

  const invalid: [string, (approver: Json) => Json, string][] = [
    [
      'four stages',
      (a) => approvalSettings([1, 2, 3, 4].map(() => stage({ primaryApprovers: [singleUser(a.id)] }))),
      'requestApprovalSettings.stages',
    ],
    [
      'a duration that is not ISO 8601',
      (a) =>
        approvalSettings([stage({ durationBeforeAutomaticDenial: '14 days', primaryApprovers: [singleUser(a.id)] })]),
      'requestApprovalSettings.stages[0].durationBeforeAutomaticDenial',
    ],
    [
      'a primary approver type the docs do not allow',
      () =>
        approvalSettings([
          stage({ primaryApprovers: [{ '@odata.type': '#microsoft.graph.targetManager', managerLevel: 1 }] }),
        ]),
      'requestApprovalSettings.stages[0].primaryApprovers[0].@odata.type',
    ],
    [
      'managerLevel 3',
      () => approvalSettings([stage({ primaryApprovers: [requestorManager(3)] })]),
      'requestApprovalSettings.stages[0].primaryApprovers[0].managerLevel',
    ],
    [
      'a fallback approver that is a requestorManager',
      (a) =>
        approvalSettings([
          stage({ primaryApprovers: [singleUser(a.id)], fallbackPrimaryApprovers: [requestorManager()] }),
        ]),
      'requestApprovalSettings.stages[0].fallbackPrimaryApprovers[0].@odata.type',
    ],
    [
      'a stage without approvers',
      () => approvalSettings([stage()]),
      'requestApprovalSettings.stages[0].primaryApprovers',
    ],
    [
      'escalation enabled without escalation approvers',
      (a) =>
        approvalSettings([
          stage({ isEscalationEnabled: true, durationBeforeEscalation: 'P1D', primaryApprovers: [singleUser(a.id)] }),
        ]),
      'requestApprovalSettings.stages[0].escalationApprovers',
    ],
    [
      'escalation no sooner than automatic denial',
      (a) =>
        approvalSettings([
          stage({
            isEscalationEnabled: true,
            durationBeforeEscalation: 'P7D',
            primaryApprovers: [singleUser(a.id)],
            escalationApprovers: [singleUser(a.id)],
          }),
        ]),
      'requestApprovalSettings.stages[0].durationBeforeEscalation',
    ],
  ];
  test.each(invalid)('%s is 400 InvalidModel naming the property', async (_, patch, target) => {
    const error = await graphFailure(postPolicy(patch));
    expect(error.statusCode).toBe(400);
    expect(error.envelope).toMatchObject({ code: 'InvalidModel', details: [expect.objectContaining({ target })] });
  });

  test('an unknown stage property is 400 BadRequest naming the type', async () => {
    const error = await graphFailure(
      postPolicy((a) => approvalSettings([stage({ primaryApprovers: [singleUser(a.id)], approvalMode: 'Serial' })])),
    );
    expect(error.envelope.message).toMatch(
      /'approvalMode' does not exist on type 'microsoft.graph.accessPackageApprovalStage'/,
    );
  });
});

describe('who may send userAdd', () => {
  test('only with enableTargetsToSelfAddAccess: without it the target gets 403 AccessDenied', async () => {
    const p = await provision(h.graph(), h.info.domain, {
      requestorSettings: { enableTargetsToSelfAddAccess: false },
    });
    const error = await graphFailure(
      requestAssignment(asUser(h, p.user), 'userAdd', p.user.id, p.policy.id, p.accessPackage.id),
    );
    expect([error.statusCode, error.envelope.code]).toEqual([403, 'AccessDenied']);
  });

  test('allMemberUsers lets any member ask for themselves, but not for someone else', async () => {
    const p = await provision(h.graph(), h.info.domain, {
      allowedTargetScope: 'allMemberUsers',
      specificAllowedTargets: [],
    });
    const other = await createUser(h.graph(), h.info.domain);
    const own = await requestAssignment(asUser(h, other), 'userAdd', other.id, p.policy.id, p.accessPackage.id);
    expect(own.state).toBe('submitted');
    const forAnother = await graphFailure(
      requestAssignment(asUser(h, other), 'userAdd', p.user.id, p.policy.id, p.accessPackage.id),
    );
    expect(forAnother.statusCode).toBe(403);
  });

  test('specificDirectoryUsers lets only the named users ask', async () => {
    const p = await provision(h.graph(), h.info.domain);
    const other = await createUser(h.graph(), h.info.domain);
    const error = await graphFailure(
      requestAssignment(asUser(h, other), 'userAdd', other.id, p.policy.id, p.accessPackage.id),
    );
    expect(error.statusCode).toBe(403);
  });
});
