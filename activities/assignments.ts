// The assignment: request it (adminAdd), read the request's state, list the policy's assignments, and remove it
// (adminRemove). Requests are asynchronous in Entra: the workflow polls getRequestState until `delivered`.

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@microsoft/microsoft-graph-client';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { FailureType } from '../common/failure-types.js';
import type { DeliveryWindow } from '../common/request-states.js';
import { DeliveryTimes } from './delivery-times.js';
import { visibilityRetryDelayMs } from './failures.js';
import {
  EM,
  classified,
  firstAttempt,
  graphCall,
  graphCallOrNotFound,
  notFound,
  odataString,
  untilVisible,
  visible,
  type GraphList,
} from './graph-call.js';

/** The longest a request read waits for the moment it is due. */
const maxReadWaitMs = 1_000;

interface AssignmentRecord {
  id: string;
  state: string;
  status?: string;
  target?: { objectId?: string };
}

interface RequestRecord {
  id: string;
  requestType: string;
  state: string;
  status?: string;
  createdDateTime?: string;
  completedDateTime?: string | null;
  assignment?: { id: string } | null;
}

export interface RequestAssignmentInput {
  accessPackageId: string;
  policyId: string;
  targetId: string;
  /** The run created the policy moments ago: nothing is assigned under it yet, so the first attempt skips the lookup. */
  policyCreated?: boolean;
}

export interface RequestRemovalInput {
  accessPackageId: string;
  policyId: string;
  targetId: string;
  /** The assignment, when the run has just seen it delivered (spares the lookups on the first attempt). */
  assignmentId?: string;
}

export interface AssignmentRequestState {
  requestId: string;
  state: string;
  status?: string;
}

const liveAssignmentStates = new Set(['delivering', 'delivered', 'partiallyDelivered']);

export function assignmentActivities(graph: Client, deliveryTimes = new DeliveryTimes()) {
  async function policyAssignments(policyId: string): Promise<AssignmentRecord[]> {
    const all: AssignmentRecord[] = [];
    let url: string | undefined =
      `${EM}/assignments?$filter=${encodeURIComponent(`assignmentPolicy/id eq ${odataString(policyId)}`)}&$expand=target`;
    while (url) {
      const next: string = url;
      const page = await graphCall(
        { description: `list assignments of policy ${policyId}`, call: `GET /v1.0${EM}/assignments`, mayLag: true },
        () => graph.api(next).get() as Promise<GraphList<AssignmentRecord>>,
      );
      all.push(...page.value);
      url = page['@odata.nextLink'];
    }
    return all;
  }

  /** The newest request of this type on the package whose assignment is `assignmentId`. */
  async function requestFor(
    accessPackageId: string,
    assignmentId: string,
    requestType: string,
  ): Promise<RequestRecord | undefined> {
    const page = await graphCall(
      { description: `list requests of access package ${accessPackageId}`, call: `GET /v1.0${EM}/assignmentRequests` },
      () =>
        graph
          .api(`${EM}/assignmentRequests`)
          .filter(`accessPackage/id eq ${odataString(accessPackageId)}`)
          .expand('assignment')
          .get() as Promise<GraphList<RequestRecord>>,
    );
    return page.value
      .filter((r) => r.assignment?.id === assignmentId && r.requestType === requestType)
      .sort((a, b) => (b.createdDateTime ?? '').localeCompare(a.createdDateTime ?? ''))[0];
  }

  return {
    /**
     * POST assignmentRequests with requestType adminAdd (the worker is an app, and in v1.0 userAdd is only for a
     * signed-in user asking for themself). An assignment already delivered or on its way to the target under this
     * policy is reused, so a retry never asks twice.
     */
    async requestAssignment(
      input: RequestAssignmentInput,
    ): Promise<AssignmentRequestState & { alreadyAssigned: boolean; expected?: DeliveryWindow }> {
      const expected = deliveryTimes.window('add');
      const assignments = input.policyCreated && firstAttempt() ? [] : await policyAssignments(input.policyId);
      const live = assignments.find((a) => a.target?.objectId === input.targetId && liveAssignmentStates.has(a.state));
      if (live) {
        const request = await requestFor(input.accessPackageId, live.id, 'adminAdd');
        if (request)
          return {
            requestId: request.id,
            state: request.state,
            status: request.status,
            alreadyAssigned: true,
            expected,
          };
        if (live.state === 'delivered')
          return { requestId: '', state: 'delivered', status: live.status, alreadyAssigned: true };
      }
      const isOpenRequest = (error: unknown): error is GraphError =>
        error instanceof GraphError && ['ExistingOpenRequest', 'ExistingAssignment'].includes(error.code ?? '');
      let request: RequestRecord;
      try {
        request = await untilVisible(
          async () => {
            try {
              return (await graph.api(`${EM}/assignmentRequests`).post({
                requestType: 'adminAdd',
                assignment: {
                  targetId: input.targetId,
                  assignmentPolicyId: input.policyId,
                  accessPackageId: input.accessPackageId,
                },
              })) as RequestRecord;
            } catch (error) {
              if (isOpenRequest(error)) throw error;
              throw classified(error, {
                description: `request assignment of access package ${input.accessPackageId}`,
                call: `POST /v1.0${EM}/assignmentRequests`,
                mayLag: true,
              });
            }
          },
          visible(graph, `${EM}/assignmentPolicies/${input.policyId}`, `/users/${input.targetId}`),
        );
      } catch (error) {
        // An earlier attempt's request exists but its assignment is not visible to our lookup yet: a later attempt,
        // whose lookup finds it, takes over (asking again in place would only be refused again).
        if (isOpenRequest(error)) {
          throw ApplicationFailure.create({
            type: FailureType.NotYetVisible,
            message: `an assignment request for this target is already open (${error.code}); looking it up again`,
            nextRetryDelay: visibilityRetryDelayMs(Context.current().info.attempt),
          });
        }
        throw error;
      }
      return { requestId: request.id, state: request.state, status: request.status, alreadyAssigned: false, expected };
    },

    /**
     * GET assignmentRequests/{id}: the request's state (submitted, delivering, delivered, …). `readAt` (epoch ms) is
     * when a read is due: the read waits for it first, at most a second — the part of the wait too short for a
     * workflow timer (workflows/delivery.ts). A finished request's delay goes into the worker's delivery times.
     */
    async getRequestState(input: { requestId: string; readAt?: number }): Promise<AssignmentRequestState> {
      const wait = Math.min((input.readAt ?? 0) - Date.now(), maxReadWaitMs);
      if (wait > 0) await Context.current().sleep(wait);
      const request = await graphCall(
        {
          description: `read assignment request ${input.requestId}`,
          call: `GET /v1.0${EM}/assignmentRequests/{id}`,
          mayLag: true,
        },
        () =>
          graph
            .api(`${EM}/assignmentRequests/${input.requestId}`)
            .select('id,requestType,state,status,createdDateTime,completedDateTime')
            .get() as Promise<RequestRecord>,
      );
      if (request.completedDateTime) {
        const kind = /Remove$/i.test(request.requestType ?? '') ? 'remove' : 'add';
        deliveryTimes.record(kind, request.id, request.createdDateTime, request.completedDateTime);
      }
      return { requestId: request.id, state: request.state, status: request.status };
    },

    /** GET assignments?$filter=assignmentPolicy/id eq '…'&$expand=target: ids, states and targets. */
    async listPolicyAssignments(input: {
      policyId: string;
    }): Promise<{ assignments: { id: string; state: string; targetId?: string }[] }> {
      const assignments = await policyAssignments(input.policyId);
      return { assignments: assignments.map((a) => ({ id: a.id, state: a.state, targetId: a.target?.objectId })) };
    },

    /**
     * POST assignmentRequests with requestType adminRemove. Never DELETE an assignment: Graph answers 404. An
     * assignment that is already expired or gone needs nothing; a removal already asked for is reused.
     */
    async requestRemoval(
      input: RequestRemovalInput,
    ): Promise<{ requestId?: string; alreadyRemoved: boolean; expected?: DeliveryWindow }> {
      const expected = deliveryTimes.window('remove');
      let assignmentId = input.assignmentId;
      // A retry may follow an attempt whose request went through: then find the assignment and its pending removal.
      // The first attempt for an assignment the run has just verified can ask at once.
      if (!assignmentId || !firstAttempt()) {
        const live = (await policyAssignments(input.policyId)).find(
          (a) => a.target?.objectId === input.targetId && liveAssignmentStates.has(a.state),
        );
        if (!live) return { alreadyRemoved: true };
        const pending = await requestFor(input.accessPackageId, live.id, 'adminRemove');
        if (pending && !['deliveryFailed', 'denied', 'canceled'].includes(pending.state)) {
          return { requestId: pending.id, alreadyRemoved: false, expected };
        }
        assignmentId = live.id;
      }
      const target = assignmentId;
      const request = await graphCallOrNotFound(
        { description: `remove assignment ${target}`, call: `POST /v1.0${EM}/assignmentRequests` },
        () =>
          graph
            .api(`${EM}/assignmentRequests`)
            .post({ requestType: 'adminRemove', assignment: { id: target } }) as Promise<RequestRecord>,
      );
      if (request === notFound) return { alreadyRemoved: true };
      return { requestId: request.id, alreadyRemoved: false, expected };
    },
  };
}
