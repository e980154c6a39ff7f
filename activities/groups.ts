// The security group the access package grants: create (or adopt) once per mailNickname across runs, delete, and
// list its members.

import type { Client } from '@microsoft/microsoft-graph-client';
import { graphCall, odataString, type FoundObject, type GraphList } from './graph-call.js';
import { type KeyedObjectGraph, makeOnce, removeOnce } from './keyed-objects.js';
import type { Holder } from '../common/object-keys.js';
import type { MadeObject, RemovedObject } from './types.js';

export interface CreateGroupInput {
  holder: Holder;
  displayName: string;
  /** The lookup key: an existing group with this mailNickname is adopted. */
  mailNickname: string;
  description: string;
}

export interface DeleteGroupInput {
  holder: Holder;
  mailNickname: string;
}

export function groupActivities(graph: Client) {
  function groupGraph(
    mailNickname: string,
    body?: Omit<CreateGroupInput, 'holder' | 'mailNickname'>,
  ): KeyedObjectGraph {
    return {
      what: `group ${mailNickname}`,
      calls: { create: 'POST /v1.0/groups', remove: 'DELETE /v1.0/groups/{id}', read: 'GET /v1.0/groups/{id}' },
      async findAll() {
        const page = await graphCall(
          { description: `look up group ${mailNickname}`, call: 'GET /v1.0/groups' },
          () =>
            graph
              .api('/groups')
              .filter(`mailNickname eq ${odataString(mailNickname)}`)
              .select('id,displayName,mailNickname,createdDateTime')
              .get() as Promise<GraphList<FoundObject>>,
        );
        return page.value;
      },
      async create() {
        const group = (await graph.api('/groups').post({
          displayName: body?.displayName ?? mailNickname,
          description: body?.description ?? mailNickname,
          mailEnabled: false,
          mailNickname,
          securityEnabled: true,
        })) as FoundObject;
        return group.id;
      },
      remove: (id) => graph.api(`/groups/${id}`).delete() as Promise<unknown>,
      read: (id) => graph.api(`/groups/${id}`).select('id').get() as Promise<unknown>,
    };
  }

  return {
    /** POST /groups (a security group), unless a group with the mailNickname exists (adopted). */
    createGroup(input: CreateGroupInput): Promise<MadeObject> {
      return makeOnce(
        input.holder,
        { kind: 'group', mailNickname: input.mailNickname },
        groupGraph(input.mailNickname, input),
      );
    },

    /** DELETE /groups/{id} when this run is the last to hold a group that a run created. */
    deleteGroup(input: DeleteGroupInput): Promise<RemovedObject> {
      return removeOnce(
        input.holder,
        { kind: 'group', mailNickname: input.mailNickname },
        groupGraph(input.mailNickname),
      );
    },

    /** GET /groups/{id}/members: the ids of the group's direct members. */
    async listGroupMembers(input: { groupId: string }): Promise<{ memberIds: string[] }> {
      const memberIds: string[] = [];
      let url: string | undefined = `/groups/${input.groupId}/members?$select=id`;
      while (url) {
        const next: string = url;
        const page = await graphCall(
          {
            description: `list members of group ${input.groupId}`,
            call: 'GET /v1.0/groups/{id}/members',
            mayLag: true,
          },
          () => graph.api(next).get() as Promise<GraphList<{ id: string }>>,
        );
        memberIds.push(...page.value.map((m) => m.id));
        url = page['@odata.nextLink'];
      }
      return { memberIds };
    },
  };
}
