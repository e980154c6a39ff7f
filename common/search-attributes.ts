// The custom search attributes a provisioning run keeps current, so that runs can be found in the Temporal Web UI
// (`ProvisioningStage = "AwaitingDelivery" AND AccessPackageName = "Marketing Campaign"`). The dev stack registers
// them at start; a real cluster needs them created once (see README). None of them may ever hold a secret.

import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const ProvisioningStage = defineSearchAttributeKey('ProvisioningStage', SearchAttributeType.KEYWORD);
export const ProvisioningOutcome = defineSearchAttributeKey('ProvisioningOutcome', SearchAttributeType.KEYWORD);
export const AccessPackageName = defineSearchAttributeKey('AccessPackageName', SearchAttributeType.KEYWORD);
export const RequestorUpn = defineSearchAttributeKey('RequestorUpn', SearchAttributeType.KEYWORD);
export const RequestorDomain = defineSearchAttributeKey('RequestorDomain', SearchAttributeType.KEYWORD);
/** While the run waits for people (AwaitingRequest, AwaitingApproval): since when. */
export const AwaitingSince = defineSearchAttributeKey('AwaitingSince', SearchAttributeType.DATETIME);

export const projectSearchAttributes = [
  ProvisioningStage,
  ProvisioningOutcome,
  AccessPackageName,
  RequestorUpn,
  RequestorDomain,
  AwaitingSince,
] as const;
