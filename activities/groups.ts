// The security group the access package grants: create (or adopt), delete, and list its members.

import type { Client } from '@microsoft/microsoft-graph-client';
import { createdByThisStep, deleteCreated, graphCall, odataString, type GraphList } from './graph-call.js';
import type { CreatedOrAdopted, UndoOutcome } from './types.js';

export interface CreateGroupInput {
  displayName: string;
  /** The lookup key: an existing group with this mailNickname is adopted. */
  mailNickname: string;
  description: string;
}

export interface DeleteGroupInput {
  id?: string;
  /** Without an id: delete the group with this mailNickname, only if created at or after `createdSince`. */
  mailNickname?: string;
  createdSince?: string;
}

interface GroupRecord {
  id: string;
  displayName: string;
  mailNickname: string;
  createdDateTime?: string | null;
}

const permission = 'Group.ReadWrite.All';

export function groupActivities(graph: Client) {
  async function findByNickname(mailNickname: string): Promise<GroupRecord | undefined> {
    const page = await graphCall({ description: `look up group ${mailNickname}`, permission }, () =>
      graph
        .api('/groups')
        .filter(`mailNickname eq ${odataString(mailNickname)}`)
        .select('id,displayName,mailNickname,createdDateTime')
        .get() as Promise<GraphList<GroupRecord>>,
    );
    return page.value[0];
  }

  return {
    /** POST /groups (a security group), after looking the mailNickname up. */
    async createGroup(input: CreateGroupInput): Promise<CreatedOrAdopted> {
      const existing = await findByNickname(input.mailNickname);
      if (existing) return { id: existing.id, created: createdByThisStep(existing.createdDateTime) };
      const group = await graphCall({ description: `create group "${input.displayName}"`, permission }, () =>
        graph.api('/groups').post({
          displayName: input.displayName,
          description: input.description,
          mailEnabled: false,
          mailNickname: input.mailNickname,
          securityEnabled: true,
        }) as Promise<GroupRecord>,
      );
      return { id: group.id, created: true };
    },

    /** DELETE /groups/{id}; a group that is already gone counts as done. */
    deleteGroup(input: DeleteGroupInput): Promise<UndoOutcome> {
      const nickname = input.mailNickname;
      return deleteCreated({
        id: input.id,
        createdSince: input.createdSince,
        find: nickname ? () => findByNickname(nickname) : undefined,
        remove: (id) => graph.api(`/groups/${id}`).delete() as Promise<unknown>,
        operation: { description: `delete group ${input.id ?? nickname}`, permission },
      });
    },

    /** GET /groups/{id}/members: the ids of the group's direct members. */
    async listGroupMembers(input: { groupId: string }): Promise<{ memberIds: string[] }> {
      const memberIds: string[] = [];
      let url: string | undefined = `/groups/${input.groupId}/members?$select=id`;
      while (url) {
        const next: string = url;
        const page = await graphCall(
          { description: `list members of group ${input.groupId}`, permission: 'GroupMember.Read.All', mayLag: true },
          () => graph.api(next).get() as Promise<GraphList<{ id: string }>>,
        );
        memberIds.push(...page.value.map((m) => m.id));
        url = page['@odata.nextLink'];
      }
      return { memberIds };
    },
  };
}
