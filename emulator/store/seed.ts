// The tenant every emulator starts with (and returns to on reset): the verified initial domain, one unverified
// custom domain to exercise the "UPN domain must be verified" rule, the built-in General catalog, the emulator's own
// app registration, two line-of-business apps (one defining app roles, one without) and two SharePoint Online sites.
// Seeded ids are fixed, so tests and the dev stack can name them.

import { identityDefaults } from '../options.js';
import type { ApplicationRecord, EmulatorState, ServicePrincipalRecord, SiteRecord } from './state.js';

const generalCatalogId = '2d7a1c6b-5e4f-4a3b-9c8d-7e6f5a4b3c2d';
/** The built-in catalog, the apps and the sites predate every run; their timestamps are fixed. */
const generalCatalogCreatedAt = Date.parse('2022-01-13T06:47:56.000Z');
const seededAt = Date.parse('2023-03-02T09:15:27.000Z');

export interface SeedIdentity {
  domain: string;
  /** The emulator's own app registration (the client the saga signs in as). */
  clientId: string;
}

interface SeededApp {
  objectId: string;
  appId: string;
  servicePrincipalId: string;
  displayName: string;
  description: string | null;
  appRoles: ApplicationRecord['appRoles'];
}

const userRole = (id: string, value: string, description: string) => ({
  id,
  value,
  displayName: value,
  description,
  allowedMemberTypes: ['User'],
  isEnabled: true,
});

function seededApps(clientId: string): SeededApp[] {
  return [
    {
      objectId: 'd23af1b8-9c79-4bf8-8ce9-ae2786a65367',
      appId: clientId,
      servicePrincipalId: identityDefaults.servicePrincipalId,
      displayName: identityDefaults.appDisplayName,
      description: null,
      appRoles: [],
    },
    {
      objectId: '94377854-cc46-4331-8637-bc192f5599ae',
      appId: '759e5ce6-31db-4cfe-8ef5-f0dad4482b5c',
      servicePrincipalId: '9bdb2e11-6102-4cc4-9b12-26356d71eab6',
      displayName: 'Contoso Expenses',
      description: 'Expense reports',
      appRoles: [
        userRole('42c95cee-36a7-4250-99bd-951dad50eeaa', 'Reader', 'Read expense reports'),
        userRole('ee6a67ec-aeea-4960-8afd-6acba9eed875', 'Writer', 'Submit and edit expense reports'),
      ],
    },
    {
      objectId: 'cfc757a8-d029-401b-84c8-7ca3e9adc480',
      appId: '6a844b6d-61d7-4ae5-84eb-83bd1bb55de7',
      servicePrincipalId: '2d2a9429-0468-44f3-89aa-3ee65183fc33',
      displayName: 'Contoso Wiki',
      description: 'Team wiki (no app roles)',
      appRoles: [],
    },
  ];
}

/** contoso.onmicrosoft.com → https://contoso.sharepoint.com (a custom domain's first label otherwise). */
export function sharePointHost(domain: string): string {
  return `https://${domain.split('.')[0]}.sharepoint.com`;
}

function seededSites(domain: string): SiteRecord[] {
  const host = sharePointHost(domain);
  return [
    { id: 'e57deacf-bfc0-477a-9b88-21038d312624', title: 'Marketing', url: `${host}/sites/Marketing` },
    { id: '90bd8e89-b80c-41eb-a974-30e226079141', title: 'Sales', url: `${host}/sites/Sales` },
  ].map((site) => ({ ...site, createdAt: seededAt, visibleAt: seededAt }));
}

/** The apps, service principals and sites the tenant starts with. */
function seededAppsAndSites(
  identity: SeedIdentity,
): Pick<EmulatorState, 'applications' | 'servicePrincipals' | 'sites'> {
  const apps = seededApps(identity.clientId);
  return {
    applications: apps.map((app): ApplicationRecord => ({
      id: app.objectId,
      createdAt: seededAt,
      visibleAt: seededAt,
      appId: app.appId,
      displayName: app.displayName,
      description: app.description,
      signInAudience: 'AzureADMyOrg',
      notes: null,
      tags: [],
      appRoles: app.appRoles,
      // The emulator's own app allows public client flows (password and device-code sign-in without a secret).
      ...(app.appId === identity.clientId ? { isFallbackPublicClient: true } : {}),
    })),
    servicePrincipals: apps.map((app): ServicePrincipalRecord => ({
      id: app.servicePrincipalId,
      createdAt: seededAt,
      visibleAt: seededAt,
      appId: app.appId,
      accountEnabled: true,
      appRoleAssignmentRequired: false,
      tags: [],
    })),
    sites: seededSites(identity.domain),
  };
}

export function seedState(identity: SeedIdentity): EmulatorState {
  const { domain } = identity;
  const initialSuffix = '.onmicrosoft.com';
  const customDomain = domain.endsWith(initialSuffix)
    ? `${domain.slice(0, -initialSuffix.length)}.com`
    : `unverified.${domain}`;
  return {
    format: 'entra-saga-emulator-state',
    version: 1,
    clockOffsetMs: 0,
    users: [],
    groups: [],
    directMembers: {},
    domains: [
      { id: domain, isVerified: true, isDefault: true, isInitial: true },
      { id: customDomain, isVerified: false, isDefault: false, isInitial: false },
    ],
    ...seededAppsAndSites(identity),
    catalogs: [
      {
        id: generalCatalogId,
        createdAt: generalCatalogCreatedAt,
        visibleAt: generalCatalogCreatedAt,
        modifiedAt: generalCatalogCreatedAt,
        displayName: 'General',
        description: 'Built-in catalog.',
        catalogType: 'serviceDefault',
        state: 'published',
        isExternallyVisible: true,
      },
    ],
    resources: [],
    resourceRoles: [],
    resourceScopes: [],
    resourceRequests: [],
    accessPackages: [],
    roleScopes: [],
    policies: [],
    assignmentRequests: [],
    assignments: [],
    deliveryFaults: [],
    appCertificates: [],
  };
}
