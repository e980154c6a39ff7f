// Who is calling Graph, as established from a validated access token.

export interface Caller {
  kind: 'app' | 'user';
  appId: string;
  tenantId: string;
  /** The app's service principal id, or the signed-in user's id. */
  objectId: string;
  /** App roles (`roles`) for app-only tokens, delegated scopes (`scp`) for user tokens. */
  permissions: ReadonlySet<string>;
}

export const graphAudiences: readonly string[] = [
  'https://graph.microsoft.com',
  '00000003-0000-0000-c000-000000000000',
];
export const graphAppId = '00000003-0000-0000-c000-000000000000';
