// One factory method per Graph error the emulator produces (the Azurite way). Codes and messages follow what the
// real service returns where public sources show it; where no source shows the exact code (marked "unverified")
// the emulator picks a stable, descriptive code, so clients must branch on the status and on the codes listed in
// the README rather than on messages.

import { GraphError } from './graph-error.js';

const bad = (code: string, message: string, details?: GraphError['extra']['details']) =>
  new GraphError(400, code, message, details ? { details } : {});

export const graphErrors = {
  // ── Request shape (Graph front door / OData) ──────────────────────────────────────────────────────────────────
  invalidJson: () =>
    bad(
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    ),
  segmentNotFound: (segment: string) => bad('BadRequest', `Resource not found for the segment '${segment}'.`),
  invalidVersion: (version: string) => bad('BadRequest', `Invalid version: ${version}`),
  methodNotAllowed: () =>
    new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.'),
  invalidFilter: (detail: string) => bad('BadRequest', `Invalid filter clause: ${detail}`),
  selectExpandUnknown: (property: string, typeName: string) =>
    bad(
      'BadRequest',
      `Parsing OData Select and Expand failed: Could not find a property named '${property}' on type 'microsoft.graph.${typeName}'.`,
    ),
  badExpand: (text: string) => bad('BadRequest', `Parsing OData Select and Expand failed: Syntax error in '${text}'.`),
  queryOptionNotAllowed: (option: string) =>
    bad(
      'BadRequest',
      `Query option '${option}' is not allowed. Make sure that the query option is supported by this resource.`,
    ),
  invalidSkipToken: () => bad('BadRequest', 'The specified page token value has expired or is invalid.'),
  /** A bound function's enum parameter with a value the type lacks, e.g. filterByCurrentUser(on='x'). */
  invalidFunctionParameter: (parameter: string, value: string, typeName: string) =>
    bad(
      'BadRequest',
      `The value '${value}' is not valid for the parameter '${parameter}' of type 'microsoft.graph.${typeName}'.`,
    ),

  // ── Authentication and authorization ─────────────────────────────────────────────────────────────────────────
  tokenEmpty: () => unauthenticated('Access token is empty.'),
  tokenMalformed: () => unauthenticated('IDX14100: JWT is not well formed, there are no dots (.).'),
  tokenInvalid: () => unauthenticated('Access token validation failure.'),
  tokenWrongAudience: () => unauthenticated('Access token validation failure. Invalid audience.'),
  tokenExpired: () => unauthenticated('Lifetime validation failed, the token is expired.'),
  tokenNotYetValid: () => unauthenticated('Access token has expired or is not yet valid.'),
  insufficientPrivileges: () =>
    new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),

  // ── Throttling and injected faults ───────────────────────────────────────────────────────────────────────────
  tooManyRequests: (retryAfterSeconds: number, headers: Record<string, string>) =>
    new GraphError(
      429,
      'TooManyRequests',
      'Too many requests. The application has exceeded its throttling limit; retry after the interval in the Retry-After header.',
      {
        headers: { 'Retry-After': String(retryAfterSeconds), ...headers },
      },
    ),
  injected: (status: number, code: string, message: string, headers: Record<string, string>) =>
    new GraphError(status, code, message, { headers }),
  internal: () => new GraphError(500, 'generalException', 'An unexpected error occurred in the Graph emulator.'),

  // ── Directory (users, groups, domains) ───────────────────────────────────────────────────────────────────────
  propertyRequired: (property: string) =>
    bad('Request_BadRequest', `Property ${property} value is required but is empty or missing.`),
  invalidPropertyValue: (property: string, resource: string) =>
    bad('Request_BadRequest', `Invalid value specified for property '${property}' of resource '${resource}'.`),
  unknownDirectoryProperty: (property: string) => bad('Request_BadRequest', `Invalid property '${property}'.`),
  invalidValues: () => bad('Request_BadRequest', 'One or more properties contains invalid values.'),
  upnDomainNotVerified: () =>
    bad(
      'Request_BadRequest',
      'The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.',
    ),
  mailEnabledSecurityGroup: () =>
    bad(
      'Request_BadRequest',
      'The service does not currently support writes of mail-enabled groups. Please ensure that the mail-enablement property is unset or is set to false.',
    ),
  tooManyBinds: () =>
    bad('Request_BadRequest', 'A maximum of 20 members or owners can be bound when creating a group.'),
  passwordRequired: () => bad('Request_BadRequest', 'A password must be specified to create a new user.'),
  passwordComplexity: () =>
    bad(
      'Request_BadRequest',
      'The specified password does not comply with password complexity requirements. Please provide a different password.',
    ),
  objectConflict: (property: string) =>
    bad('Request_BadRequest', `Another object with the same value for property ${property} already exists.`, [
      {
        code: 'ObjectConflict',
        message: `Another object with the same value for property ${property} already exists.`,
        target: property,
      },
    ]),
  directoryObjectNotFound: (id: string) =>
    new GraphError(
      404,
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    ),
  invalidObjectIdentifier: (id: string) => bad('Request_BadRequest', `Invalid object identifier '${id}'.`),
  unsupportedFilterProperty: (property: string, resource: string) =>
    bad(
      'Request_UnsupportedQuery',
      `Unsupported or invalid query filter clause specified for property '${property}' of resource '${resource}'.`,
    ),
  /** Seen in public reports (with PropertyErrorCode NoBackingApplicationObject). */
  noBackingApplication: (appId: string) => {
    const message = `The appId '${appId}' of the service principal does not reference a valid application object.`;
    return bad('Request_BadRequest', message, [{ code: 'NoBackingApplicationObject', message, target: 'appId' }]);
  },
  /** Seen in public reports: a second service principal for one appId. */
  servicePrincipalNameInUse: (appId: string) =>
    new GraphError(
      409,
      'Request_MultipleObjectsWithSameKeyValue',
      `The service principal cannot be created, updated, or restored because the service principal name ${appId} is already in use.`,
    ),
  invalidPageSize: (value: string) =>
    bad('Request_UnsupportedQuery', `Invalid page size specified: '${value}'. Must be between 1 and 999 inclusive.`),

  // ── Entitlement management ───────────────────────────────────────────────────────────────────────────────────
  /** Validation failures of EM bodies (code seen in public issues; the message names the property). */
  invalidModel: (property: string, reason: string) =>
    bad('InvalidModel', `Model is not valid. ${reason}`, [{ code: 'InvalidModel', message: reason, target: property }]),
  unknownEmProperty: (property: string, typeName: string) =>
    bad(
      'BadRequest',
      `The property '${property}' does not exist on type 'microsoft.graph.${typeName}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
    ),
  emNotFound: (kind: string, id: string) =>
    new GraphError(404, 'ResourceNotFound', `The ${kind} '${id}' was not found.`),
  roleNotFound: () => new GraphError(404, 'RoleNotFound', 'The role was not found.'),
  /** A role scope naming a resource or a role by what is not its id (e.g. a site's URL as a role originId). */
  resourceNotFound: () => new GraphError(404, 'ResourceNotFound', 'The resource was not found.'),
  /** An app-only caller without the resource kind's owner permission (Group/Application.ReadWrite.All, Sites.FullControl.All). */
  callerNotResourceOwner: () => bad('CallerNotResourceOwner', 'The caller is not the resource owner.'),
  /** Message seen in public reports; the code is unverified. */
  resourceAlreadyOnboarded: () =>
    bad('ResourceAlreadyOnboarded', 'The specified resource is already onboarded to ELM.'),
  resourceHasEntitlements: (displayName: string) =>
    bad(
      'InvalidDeleteResourceHasEntitlements',
      `The resource: ${displayName} can not be deleted because there are active entitlements.`,
    ),
  /** Documented rule ("can't delete an access package if it has any assignment"); code unverified. */
  accessPackageHasAssignments: () =>
    bad(
      'AccessPackageHasAssignments',
      'The access package cannot be deleted because it has assignments. Remove them with adminRemove requests first.',
    ),
  /** Code unverified. */
  policyHasAssignments: () =>
    bad(
      'PolicyHasAssignments',
      'The assignment policy cannot be deleted because it has assignments. Remove them with adminRemove requests first.',
    ),
  /** Code unverified. */
  existingAssignment: () =>
    bad('ExistingAssignment', 'The target already has an active assignment to this access package.'),
  /** Code unverified. */
  existingOpenRequest: () =>
    bad('ExistingOpenRequest', 'There is already an open request for this target and access package.'),
  /** Message seen in public reports for requests a policy does not allow. */
  policyRequirementsNotMet: () =>
    new GraphError(403, 'AccessDenied', "You don't meet policy requirements to request this entitlement."),
  /** Code unverified. */
  invalidAssignmentState: (id: string) =>
    bad('InvalidAssignmentState', `The assignment '${id}' is not in a state that allows this request.`),
  /** The caller is not an approver of the stage it tries to decide (documented 403; code unverified). */
  notAnApprover: () =>
    new GraphError(403, 'AccessDenied', 'The signed-in user is not an approver of this approval stage.'),
  /** Documented rule: approvers can't approve their own requests (code unverified). */
  ownRequestApproval: () => new GraphError(403, 'AccessDenied', "Approvers can't approve their own requests."),
  /** Documented 409 when another approver already decided the stage (code unverified). */
  stageAlreadyDecided: (id: string) =>
    new GraphError(409, 'ApprovalStageCompleted', `The approval stage '${id}' has already been completed.`),
  /** Code unverified. */
  requestNotCancelable: (id: string) =>
    bad('RequestNotCancelable', `The request '${id}' can be canceled only while it is submitted or pending approval.`),
  /** Code unverified. */
  roleScopeExists: () =>
    bad('ResourceRoleScopeAlreadyExists', 'The access package already contains this resource role scope.'),
  /** Code unverified. */
  catalogNotEmpty: () =>
    bad('CatalogNotEmpty', 'The catalog cannot be deleted while it contains access packages or resources.'),
  /** DELETE on an assignment: the metadata lists it, the service answers 404. */
  assignmentDeleteNotFound: () =>
    new GraphError(404, 'NotFound', 'No HTTP resource was found that matches the request URI.'),
};

function unauthenticated(message: string): GraphError {
  return new GraphError(401, 'InvalidAuthenticationToken', message);
}

/** The code a scripted fault uses when its rule names none. */
export function defaultCodeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'InvalidAuthenticationToken';
    case 403:
      return 'Authorization_RequestDenied';
    case 404:
      return 'Request_ResourceNotFound';
    case 409:
      return 'Conflict';
    case 429:
      return 'TooManyRequests';
    case 503:
      return 'serviceNotAvailable';
    default:
      return status >= 500 ? 'generalException' : 'BadRequest';
  }
}
