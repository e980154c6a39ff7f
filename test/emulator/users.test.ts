// /users: Entra's creation rules, lookups by id and userPrincipalName, $filter/$select/$top with paging, delete.
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- Graph responses are untyped JSON; the tests assert their shape. */

import { describe, expect, test } from 'vitest';
import { useHarness } from './support/harness.js';
import { createUser, graphFailure, password, unique, type Json } from './support/steps.js';

const h = useHarness();

const body = (overrides: Json = {}): Json => {
  const alias = unique('user');
  return {
    accountEnabled: true,
    displayName: alias,
    mailNickname: alias,
    userPrincipalName: `${alias}@${h.info.domain}`,
    passwordProfile: { password, forceChangePasswordNextSignIn: false },
    ...overrides,
  };
};

describe('creating users', () => {
  test('the response has the default property set and a GUID id', async () => {
    const user = await createUser(h.graph(), h.info.domain, { jobTitle: 'Marketer' });
    expect(Object.keys(user).sort()).toEqual(
      [
        '@odata.context',
        'businessPhones',
        'displayName',
        'givenName',
        'id',
        'jobTitle',
        'mail',
        'mobilePhone',
        'officeLocation',
        'preferredLanguage',
        'surname',
        'userPrincipalName',
      ].sort(),
    );
    expect(user.jobTitle).toBe('Marketer');
  });

  test.each(['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName'])(
    'a missing %s is a 400 naming it',
    async (property) => {
      const payload = body();
      delete payload[property];
      const error = await graphFailure(h.graph().api('/users').post(payload));
      expect(error.statusCode).toBe(400);
      expect(error.envelope).toMatchObject({
        code: 'Request_BadRequest',
        message: `Property ${property} value is required but is empty or missing.`,
      });
      expect((await h.control.get<Json>('objects')).users).toEqual([]);
    },
  );

  test('a missing password is refused', async () => {
    const error = await graphFailure(
      h
        .graph()
        .api('/users')
        .post(body({ passwordProfile: { forceChangePasswordNextSignIn: true } })),
    );
    expect(error.envelope).toMatchObject({
      code: 'Request_BadRequest',
      message: 'A password must be specified to create a new user.',
    });
  });

  test('a weak password is refused', async () => {
    const error = await graphFailure(
      h
        .graph()
        .api('/users')
        .post(body({ passwordProfile: { password: 'password' } })),
    );
    expect(error.envelope.message).toMatch(
      /^The specified password does not comply with password complexity requirements/,
    );
  });

  test('an unknown property is refused', async () => {
    const error = await graphFailure(
      h
        .graph()
        .api('/users')
        .post(body({ favouriteColour: 'blue' })),
    );
    expect(error.envelope).toMatchObject({
      code: 'Request_BadRequest',
      message: "Invalid property 'favouriteColour'.",
    });
  });

  test('a value of the wrong type is refused naming the property', async () => {
    const error = await graphFailure(
      h
        .graph()
        .api('/users')
        .post(body({ accountEnabled: 'yes' })),
    );
    expect(error.envelope.message).toBe("Invalid value specified for property 'accountEnabled' of resource 'User'.");
  });

  test.each([
    'a b@contoso.onmicrosoft.com',
    'a(b)@contoso.onmicrosoft.com',
    '.lead@contoso.onmicrosoft.com',
    'no-at-sign',
  ])('userPrincipalName %s is invalid', async (upn) => {
    const error = await graphFailure(
      h
        .graph()
        .api('/users')
        .post(body({ userPrincipalName: upn })),
    );
    expect(error.envelope).toMatchObject({
      code: 'Request_BadRequest',
      message: 'One or more properties contains invalid values.',
    });
  });

  test("the alias may use Entra's extra characters ' . - _ ! # ^ ~", async () => {
    const user = await createUser(h.graph(), h.info.domain, {
      userPrincipalName: `o'neil.a-b_c!d#e^f~g@${h.info.domain}`,
    });
    expect(user.userPrincipalName).toBe(`o'neil.a-b_c!d#e^f~g@${h.info.domain}`);
  });

  test('the domain must be a verified domain of the tenant', async () => {
    const domains = await h.graph().api('/domains').get();
    const unverified = domains.value.find((d: Json) => !d.isVerified).id;
    for (const domain of [unverified, 'fabrikam.com']) {
      const error = await graphFailure(
        h
          .graph()
          .api('/users')
          .post(body({ userPrincipalName: `someone@${domain}` })),
      );
      expect(error.envelope.message).toMatch(/^The domain portion of the userPrincipalName property is invalid/);
    }
  });

  test('a duplicate userPrincipalName (any case) is an ObjectConflict on userPrincipalName', async () => {
    const first = await createUser(h.graph(), h.info.domain);
    const error = await graphFailure(
      h
        .graph()
        .api('/users')
        .post(body({ userPrincipalName: first.userPrincipalName.toUpperCase() })),
    );
    expect(error.statusCode).toBe(400);
    expect(error.envelope).toMatchObject({
      code: 'Request_BadRequest',
      message: 'Another object with the same value for property userPrincipalName already exists.',
      details: [{ code: 'ObjectConflict', target: 'userPrincipalName' }],
    });
    expect((await h.control.get<Json>('objects')).users).toHaveLength(1);
  });

  test('a caller without a user-writing permission gets 403 and nothing is created', async () => {
    await h.control.post('config', { permissions: ['User.Read.All'] });
    const error = await graphFailure(h.graph().api('/users').post(body()));
    expect(error.statusCode).toBe(403);
    expect(error.envelope).toMatchObject({
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
    });
    expect((await h.control.get<Json>('objects')).users).toEqual([]);
  });
});

describe('reading users', () => {
  test('a user is found by id and by userPrincipalName', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    expect((await h.graph().api(`/users/${user.id}`).get()).id).toBe(user.id);
    expect(
      (
        await h
          .graph()
          .api(`/users/${encodeURIComponent(user.userPrincipalName)}`)
          .get()
      ).id,
    ).toBe(user.id);
  });

  test('an unknown id is 404 Request_ResourceNotFound naming it', async () => {
    const id = '0b9c2f7e-0000-4000-8000-000000000000';
    const error = await graphFailure(h.graph().api(`/users/${id}`).get());
    expect(error.statusCode).toBe(404);
    expect(error.envelope).toMatchObject({
      code: 'Request_ResourceNotFound',
      message: `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    });
  });

  test('$select returns exactly the selected properties (and id)', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    const selected = await h
      .graph()
      .api(`/users/${user.id}`)
      .select('accountEnabled,mailNickname,createdDateTime')
      .get();
    expect(
      Object.keys(selected)
        .filter((k) => !k.startsWith('@'))
        .sort(),
    ).toEqual(['accountEnabled', 'createdDateTime', 'id', 'mailNickname']);
    expect(selected.accountEnabled).toBe(true);
  });

  test('$select of a property users do not have is a 400', async () => {
    const error = await graphFailure(h.graph().api('/users').select('shoeSize').get());
    expect(error.envelope.message).toBe(
      "Parsing OData Select and Expand failed: Could not find a property named 'shoeSize' on type 'microsoft.graph.user'.",
    );
  });

  test('$filter on userPrincipalName, mailNickname and displayName (eq, startswith)', async () => {
    const a = await createUser(h.graph(), h.info.domain, { displayName: 'Alice Example' });
    await createUser(h.graph(), h.info.domain, { displayName: 'Bob Example' });
    const byUpn = await h
      .graph()
      .api('/users')
      .filter(`userPrincipalName eq '${a.userPrincipalName.toUpperCase()}'`)
      .get();
    expect(byUpn.value.map((u: Json) => u.id)).toEqual([a.id]);
    const byNickname = await h
      .graph()
      .api('/users')
      .filter(`mailNickname eq '${a.userPrincipalName.split('@')[0]}'`)
      .get();
    expect(byNickname.value.map((u: Json) => u.id)).toEqual([a.id]);
    const byPrefix = await h.graph().api('/users').filter("startswith(displayName,'ali')").get();
    expect(byPrefix.value.map((u: Json) => u.id)).toEqual([a.id]);
    const both = await h
      .graph()
      .api('/users')
      .filter("startswith(displayName,'Alice') or displayName eq 'Bob Example'")
      .get();
    expect(both.value).toHaveLength(2);
  });

  test('$top pages the list with an absolute @odata.nextLink the client can follow', async () => {
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await createUser(h.graph(), h.info.domain)).id);
    const first = await h.graph().api('/users').top(2).get();
    expect(first.value).toHaveLength(2);
    expect(first['@odata.nextLink']).toMatch(new RegExp(`^${h.info.graphBaseUrl.replace(/\./g, '\\.')}/users\\?`));
    const seen = [...first.value.map((u: Json) => u.id)];
    let next: string | undefined = first['@odata.nextLink'];
    while (next) {
      const page = await h.graph().api(next).get();
      seen.push(...page.value.map((u: Json) => u.id));
      next = page['@odata.nextLink'];
    }
    expect(seen).toEqual(created);
  });

  test('$top outside 1..999 is refused', async () => {
    const error = await graphFailure(h.graph().api('/users').top(1000).get());
    expect(error.envelope).toMatchObject({
      code: 'Request_UnsupportedQuery',
      message: "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    });
  });

  test('GET /me is only for delegated (user) tokens', async () => {
    const error = await graphFailure(h.graph().api('/me').get());
    expect(error.statusCode).toBe(403);
  });
});

describe('deleting users', () => {
  test('DELETE answers 204 and the user is gone from /users', async () => {
    const user = await createUser(h.graph(), h.info.domain);
    await h.graph().api(`/users/${user.id}`).delete();
    expect((await graphFailure(h.graph().api(`/users/${user.id}`).get())).statusCode).toBe(404);
    expect((await h.graph().api('/users').get()).value).toEqual([]);
    expect((await h.control.get<Json>('objects')).users).toEqual([]);
  });

  test('deleting an unknown user is 404', async () => {
    const error = await graphFailure(h.graph().api('/users/0b9c2f7e-0000-4000-8000-000000000000').delete());
    expect(error.statusCode).toBe(404);
  });
});
