// The tenant every emulator starts with (and returns to on reset): the verified initial domain, one unverified
// custom domain to exercise the "UPN domain must be verified" rule, and the built-in General catalog.

import type { EmulatorState } from './state.js';

const generalCatalogId = '2d7a1c6b-5e4f-4a3b-9c8d-7e6f5a4b3c2d';
/** The built-in catalog predates every run; its timestamps are fixed. */
const generalCatalogCreatedAt = Date.parse('2022-01-13T06:47:56.000Z');

export function seedState(domain: string): EmulatorState {
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
