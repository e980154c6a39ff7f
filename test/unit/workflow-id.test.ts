import { describe, expect, it } from 'vitest';
import { provisioningWorkflowId, teardownWorkflowId } from '../../common/workflow-id.js';

describe('workflow ids from business keys', () => {
  it('derives the id from catalog, package and requestor', () => {
    expect(
      provisioningWorkflowId({
        catalogName: 'General',
        packageName: 'Marketing Campaign',
        requestorUpn: 'Requestor1@contoso.onmicrosoft.com',
      }),
    ).toBe('provision/general/marketing-campaign/requestor1@contoso.onmicrosoft.com');
  });

  it('gives the same provisioning the same id whatever the case or spacing', () => {
    const a = provisioningWorkflowId({
      catalogName: 'General',
      packageName: 'Marketing  Campaign',
      requestorUpn: 'ALICE@contoso.com',
    });
    const b = provisioningWorkflowId({
      catalogName: 'general',
      packageName: 'marketing campaign',
      requestorUpn: 'alice@contoso.com',
    });
    expect(a).toBe(b);
  });

  it('gives different provisionings different ids', () => {
    const base = { catalogName: 'General', packageName: 'Sales', requestorUpn: 'alice@contoso.com' };
    expect(provisioningWorkflowId(base)).not.toBe(provisioningWorkflowId({ ...base, requestorUpn: 'bob@contoso.com' }));
    expect(provisioningWorkflowId(base)).not.toBe(provisioningWorkflowId({ ...base, packageName: 'Marketing' }));
  });

  it('names the teardown of a kept run after the run', () => {
    expect(teardownWorkflowId('provision/general/x/a@b.com')).toBe('provision/general/x/a@b.com/teardown');
  });
});
