// /groups and /domains: group creation rules, lookups, $filter/$select/$top, members, delete; the tenant's domains.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- Graph responses are untyped JSON; the tests assert their shape. */

import { describe, expect, test } from 'vitest';
import { useHarness } from './support/harness.js';
import { createGroup, createUser, graphFailure, memberIds, type Json } from './support/steps.js';

const h = useHarness();

describe('creating groups', () => {
  test('a security group is created with Graph’s group shape', async () => {
    const group = await createGroup(h.graph(), { displayName: 'Marketing resources', mailNickname: 'markres' });
    expect(group).toMatchObject({
      displayName: 'Marketing resources',
      mailNickname: 'markres',
      mailEnabled: false,
      securityEnabled: true,
      groupTypes: [],
      mail: null,
      securityIdentifier: expect.stringMatching(/^S-1-12-1-\d+-\d+-\d+-\d+$/),
      visibility: null,
    });
  });

  test.each(['displayName', 'mailEnabled', 'mailNickname', 'securityEnabled'])(
    'a missing %s is a 400 naming it',
    async (property) => {
      const body: Json = { displayName: 'G', mailEnabled: false, mailNickname: 'g', securityEnabled: true };
      delete body[property];
      const error = await graphFailure(h.graph().api('/groups').post(body));
      expect(error.envelope).toMatchObject({
        code: 'Request_BadRequest',
        message: `Property ${property} value is required but is empty or missing.`,
      });
    },
  );

  test.each(['mark res', 'mark@res', 'mark.res', 'mark(res)', 'märkres', 'x'.repeat(65)])(
    'mailNickname %j is refused',
    async (mailNickname) => {
      const error = await graphFailure(createGroup(h.graph(), { mailNickname }));
      expect(error.envelope.message).toBe("Invalid value specified for property 'mailNickname' of resource 'Group'.");
      expect((await h.control.get<Json>('objects')).groups).toEqual([]);
    },
  );

  test('a mail-enabled security group cannot be created through Graph', async () => {
    const error = await graphFailure(createGroup(h.graph(), { mailEnabled: true }));
    expect(error.envelope.message).toMatch(/does not currently support writes of mail-enabled groups/);
  });

  test('members@odata.bind adds members at creation', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const group = await createGroup(h.graph(), {
      'members@odata.bind': [`${h.info.graphBaseUrl}/directoryObjects/${user.id}`],
    });
    expect(await memberIds(h.graph(), group.id)).toEqual([user.id]);
  });

  test('an unknown property is refused', async () => {
    const error = await graphFailure(createGroup(h.graph(), { colour: 'red' }));
    expect(error.envelope).toMatchObject({ code: 'Request_BadRequest', message: "Invalid property 'colour'." });
  });
});

describe('reading and deleting groups', () => {
  test('GET by id; a non-GUID id is 400, an unknown GUID 404', async () => {
    const group = await createGroup(h.graph());
    expect((await h.graph().api(`/groups/${group.id}`).get()).displayName).toBe(group.displayName);
    expect((await graphFailure(h.graph().api('/groups/markres').get())).envelope.message).toBe(
      "Invalid object identifier 'markres'.",
    );
    expect(
      (await graphFailure(h.graph().api('/groups/0b9c2f7e-0000-4000-8000-000000000000').get())).envelope.code,
    ).toBe('Request_ResourceNotFound');
  });

  test('$filter on displayName and mailNickname, $select, $top paging', async () => {
    const a = await createGroup(h.graph(), { displayName: 'Alpha team', mailNickname: 'alpha' });
    await createGroup(h.graph(), { displayName: 'Beta team', mailNickname: 'beta' });
    await createGroup(h.graph(), { displayName: 'Gamma team', mailNickname: 'gamma' });
    expect(
      (await h.graph().api('/groups').filter("displayName eq 'alpha team'").get()).value.map((g: Json) => g.id),
    ).toEqual([a.id]);
    expect(
      (await h.graph().api('/groups').filter("mailNickname eq 'alpha'").select('id,displayName').get()).value,
    ).toEqual([{ id: a.id, displayName: 'Alpha team' }]);
    const page = await h.graph().api('/groups').top(2).get();
    expect(page.value).toHaveLength(2);
    expect((await h.graph().api(page['@odata.nextLink']).get()).value).toHaveLength(1);
  });

  test('$filter on a property /groups does not support is Request_UnsupportedQuery', async () => {
    const error = await graphFailure(h.graph().api('/groups').filter("visibility eq 'Private'").get());
    expect(error.envelope).toMatchObject({
      code: 'Request_UnsupportedQuery',
      message: "Unsupported or invalid query filter clause specified for property 'visibility' of resource 'Group'.",
    });
  });

  test('members are listed as users with @odata.type and the user default properties', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const group = await createGroup(h.graph());
    await h
      .graph()
      .api(`/groups/${group.id}/members/$ref`)
      .post({ '@odata.id': `${h.info.graphBaseUrl}/directoryObjects/${user.id}` });
    const members = await h.graph().api(`/groups/${group.id}/members`).get();
    expect(members['@odata.context']).toBe(`${h.info.graphBaseUrl}/$metadata#directoryObjects`);
    expect(members.value).toEqual([
      expect.objectContaining({
        '@odata.type': '#microsoft.graph.user',
        id: user.id,
        userPrincipalName: user.userPrincipalName,
      }),
    ]);
  });

  test('DELETE answers 204; the group and its memberships are gone', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const group = await createGroup(h.graph(), { 'members@odata.bind': [`${h.info.graphBaseUrl}/users/${user.id}`] });
    await h.graph().api(`/groups/${group.id}`).delete();
    expect((await graphFailure(h.graph().api(`/groups/${group.id}`).get())).statusCode).toBe(404);
    expect(await h.control.get<Json>('objects')).toMatchObject({ groups: [], groupMembers: {} });
  });
});

describe('domains', () => {
  test('the initial domain is verified and default; a second one is unverified', async () => {
    const domains = await h.graph().api('/domains').get();
    expect(domains.value).toEqual([
      expect.objectContaining({ id: h.info.domain, isVerified: true, isDefault: true, isInitial: true }),
      expect.objectContaining({ isVerified: false, isDefault: false }),
    ]);
    expect((await h.graph().api(`/domains/${h.info.domain}`).get()).isVerified).toBe(true);
  });

  test('reading domains needs Domain.Read.All (or a directory permission)', async () => {
    await h.control.post('config', { permissions: ['User.ReadWrite.All'] });
    expect((await graphFailure(h.graph().api('/domains').get())).statusCode).toBe(403);
  });
});
