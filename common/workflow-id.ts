// Workflow ids come from the business key — catalog, access package and requestor — so that starting the same
// provisioning twice reaches the same workflow instead of creating a second set of objects.

import type { ProvisioningInput } from './provisioning.js';

function slug(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9@._-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function provisioningWorkflowId(
  input: Pick<ProvisioningInput, 'catalogName' | 'packageName' | 'requestorUpn'>,
): string {
  return `provision/${slug(input.catalogName)}/${slug(input.packageName)}/${slug(input.requestorUpn)}`;
}

export function teardownWorkflowId(provisioningWorkflowId: string): string {
  return `${provisioningWorkflowId}/teardown`;
}
