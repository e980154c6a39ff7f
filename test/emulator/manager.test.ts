// A user's manager, as Graph v1.0 manages it: PUT …/manager/$ref (204), GET …/manager (the manager as a
// directoryObject, 404 when none), DELETE …/manager/$ref, /me/manager — with the documented permissions.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- Graph responses are untyped JSON; the tests assert their shape. */

import { describe, expect, test } from 'vitest';
import { defaultDelegatedPermissions } from '../../emulator/index.js';
import { asUser } from './support/approvals.js';
import { useHarness } from './support/harness.js';
import { createUser, graphFailure, type Json } from './support/steps.js';

const h = useHarness();

const reference = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/users/${id}` });

describe('a user’s manager', () => {
  test('none at first: 404 Request_ResourceNotFound as Graph answers', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const error = await graphFailure(h.graph().api(`/users/${user.id}/manager`).get());
    expect([error.statusCode, error.envelope.code, error.envelope.message]).toEqual([
      404,
      'Request_ResourceNotFound',
      "Resource 'manager' does not exist or one of its queried reference-property objects are not present.",
    ]);
  });

  test('assigned with PUT …/manager/$ref (204), read as a user directoryObject, removed with DELETE', async () => {
    const [user, manager] = await Promise.all([
      createUser(h.graph(), h.info.domain),
      createUser(h.graph(), h.info.domain, { jobTitle: 'Finance VP' }),
    ]);
    const put = await h.fetch(`/v1.0/users/${user.id}/manager/$ref`, {
      method: 'PUT',
      headers: {
        Authorization: `Bearer ${(await h.appCredential().getToken('https://graph.microsoft.com/.default')).token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(reference(manager.id)),
    });
    expect(put.status).toBe(204);
    const read = await h.graph().api(`/users/${user.id}/manager`).get();
    expect(read).toMatchObject({
      '@odata.context': expect.stringMatching(/\$metadata#directoryObjects\/\$entity$/),
      '@odata.type': '#microsoft.graph.user',
      id: manager.id,
      userPrincipalName: manager.userPrincipalName,
      jobTitle: 'Finance VP',
    });
    expect((await h.control.get<Json>('objects')).users.find((u: Json) => u.id === user.id).managerId).toBe(manager.id);
    await h.graph().api(`/users/${user.id}/manager/$ref`).delete();
    expect((await graphFailure(h.graph().api(`/users/${user.id}/manager`).get())).statusCode).toBe(404);
    expect((await graphFailure(h.graph().api(`/users/${user.id}/manager/$ref`).delete())).statusCode).toBe(404);
  });

  test('/me/manager with a delegated User.Read.All token', async () => {
    await h.control.post('config', { delegatedPermissions: [...defaultDelegatedPermissions, 'User.Read.All'] });
    const [user, manager] = await Promise.all([
      createUser(h.graph(), h.info.domain),
      createUser(h.graph(), h.info.domain),
    ]);
    await h.graph().api(`/users/${user.id}/manager/$ref`).put(reference(manager.id));
    expect((await asUser(h, user).api('/me/manager').get()).id).toBe(manager.id);
  });

  test('an unknown manager is 404, oneself 400, a body without @odata.id 400', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const ref = (body: Json) => h.graph().api(`/users/${user.id}/manager/$ref`).put(body);
    expect((await graphFailure(ref(reference('0b9c2f7e-0000-4000-8000-000000000000')))).statusCode).toBe(404);
    expect((await graphFailure(ref(reference(user.id)))).statusCode).toBe(400);
    expect((await graphFailure(ref({}))).statusCode).toBe(400);
  });

  test('writes need User.ReadWrite.All (app); an ordinary user’s token gets 403', async () => {
    const [user, manager] = await Promise.all([
      createUser(h.graph(), h.info.domain),
      createUser(h.graph(), h.info.domain),
    ]);
    const asTheUser = asUser(h, user);
    const error = await graphFailure(asTheUser.api(`/users/${user.id}/manager/$ref`).put(reference(manager.id)));
    expect([error.statusCode, error.envelope.code]).toEqual([403, 'Authorization_RequestDenied']);
    await h.control.post('config', { permissions: ['User.Read.All'] });
    expect(
      (await graphFailure(h.graph().api(`/users/${user.id}/manager/$ref`).put(reference(manager.id)))).statusCode,
    ).toBe(403);
  });

  test('a deleted manager no longer counts', async () => {
    const [user, manager] = await Promise.all([
      createUser(h.graph(), h.info.domain),
      createUser(h.graph(), h.info.domain),
    ]);
    await h.graph().api(`/users/${user.id}/manager/$ref`).put(reference(manager.id));
    await h.graph().api(`/users/${manager.id}`).delete();
    expect((await graphFailure(h.graph().api(`/users/${user.id}/manager`).get())).statusCode).toBe(404);
  });
});
