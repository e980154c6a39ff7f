// The workflows the worker registers.
export { provisionAccessPackage } from './provision-access-package.js';
export { teardownProvisioning } from './teardown-provisioning.js';
export { bulkProvision } from './bulk-provision.js';
export { sharedObject } from './shared-object.js';
