import { bulkLimits, defaultConcurrency } from '../common/bulk.js';
import { emulatorDomain, tutorialDefaults as d } from '../common/defaults.js';
import { limits } from '../common/validation.js';
import { defaultReconnectTimeoutSeconds } from './reconnect-timeout.js';

export const usage = `entra-saga — Microsoft Entra entitlement-management provisioning as a durable Temporal saga

Usage: entra-saga <command> [options]

Commands:
  run                 start a provisioning run and follow it to the end
  start               start a provisioning run and print its workflow id
  status <workflowId> show a run's stage, steps, request state and objects
  list                list provisioning runs (newest first)
  result <workflowId> wait for a run's outcome and print it
  teardown <workflowId>
                      remove what a run created: ends a holding run, or tears down a kept one
  cancel <workflowId> cancel a running run; it rolls back what it created
  bulk <file>         provision every item of a YAML or JSON file (requestors and packages), N at a time,
                      with a per-item report; Graph writes share the tenant's write budget

People in the loop (each signs a person in with a device code):
  request <workflowId>          the requestor asks for the run's package (userAdd), as in My Access
  approvals [--mine]            runs waiting for approval: stage, approvers, deadlines; --mine: yours to decide
  approve <workflowId> --justification TEXT
  deny <workflowId> --justification TEXT
                                an approver decides the current stage of the run's request
  cancel-request <workflowId> [--admin]
                                cancel the run's pending request (the requestor's own, or as an admin)

Provisioning options (run, start), defaults reproduce the Microsoft Learn tutorial:
  --requestor-upn UPN        the requestor (default ${d.requestorAlias}@$ENTRA_SAGA_DOMAIN, else @${emulatorDomain})
  --requestor-name NAME      the requestor's display name (default: the UPN's alias)
  --group-name NAME          the group the package grants (default "${d.groupName}")
  --group-mail-nickname NICK the group's mailNickname, its lookup key (default "${d.groupMailNickname}", or derived from --group-name)
  --package-name NAME        the access package (default "${d.packageName}")
  --catalog NAME             the catalog, which must exist (default "${d.catalogName}")
  --policy-name NAME         the assignment policy (default "${d.policyName}")
  --duration-days N          days until the assignment expires, ${limits.durationDays.min}-${limits.durationDays.max} (default ${d.durationDays})
  --cleanup now|keep|hold    after verification: remove everything now (default), keep it, or hold until
                             \`entra-saga teardown\` or the expiry
  --delivery-timeout S       seconds to wait for delivery before rolling back, ${limits.deliveryTimeoutSeconds.min}-${limits.deliveryTimeoutSeconds.max} (default ${d.deliveryTimeoutSeconds})
  --resource KIND:REF[:ROLE]  a resource of the package, instead of the one group; repeat for several:
                               group:NAME                  a security group's membership, created or adopted
                               app:APPID-OR-NAME[:ROLE]    an application's app role (default "Default Access")
                               site:URL:ROLE               a SharePoint Online site's role, e.g. Members
                             applications and sites must exist; the run never creates or deletes them
  --requested-by operator|requestor
                             who asks: the worker as an admin (adminAdd, default), or the requestor themself,
                             with \`entra-saga request\` or in My Access (the run waits, stage AwaitingRequest)
  --request-timeout-hours N  how long the requestor has to ask, 1-720 (default 168)
  --approver LIST            an approval stage (repeat for up to 3, in order): who may decide, comma-separated —
                             a UPN, group:NAME (its members), manager or manager:2 (the requestor's)
  --fallback-approver LIST   who decides a stage whose approvers are no one (required with manager)
  --escalate-to LIST         who may also decide once a stage has waited --escalate-after-days N
  --deny-after-days N        days a stage waits before Entra denies the request, 1-14 (default 14)
  --remind-every-hours N     a waiting run records a reminder this often (default 24)
  --spec FILE                read the options from a JSON or YAML file (flags override it)
  --dry-run                  validate and run the read-only preflight only: nothing is written

Other options:
  --json                     print one JSON object (every command)
  --reconnect-timeout S      seconds to wait for Temporal to answer again once the connection is lost, 0-86400
                             (default $ENTRA_SAGA_RECONNECT_TIMEOUT, else ${defaultReconnectTimeoutSeconds}); past it the command exits 3
  --query Q                  (list) a visibility query, e.g. 'ProvisioningStage = "Holding"'
  --limit N                  (list) at most N runs (default 20)
  --no-wait                  (cancel) return once cancellation is requested
  --justification TEXT       (request, approve, deny) why; approve and deny need it
  --mine                     (approvals) only what the signed-in person may decide now
  --admin                    (cancel-request) sign in as an admin rather than the requestor
  --concurrency N            (bulk) item runs in flight at once, ${bulkLimits.concurrency.min}-${bulkLimits.concurrency.max} (default ${defaultConcurrency})
  -h, --help                 this help

Exit codes: 0 success · 1 run failed, rolled back or cancelled · 2 bad input (nothing created) · 3 cannot connect,
or Temporal stayed unreachable past --reconnect-timeout (the run's outcome is not known; it goes on in Temporal)

Examples:
  entra-saga run
  entra-saga run --requestor-upn alice@contoso.onmicrosoft.com --package-name "Sales Tools" --group-name "Sales" --cleanup keep
  entra-saga run --dry-run --catalog "Marketing"
  entra-saga run --package-name "Campaign kit" --resource "group:Marketing resources" \\
    --resource "app:Expenses:Reader" --resource "site:https://contoso.sharepoint.com/sites/Marketing:Members"
  entra-saga start --cleanup hold --duration-days 7 --json
  entra-saga list --query 'ProvisioningOutcome = "compensated"'
  entra-saga status provision/general/marketing-campaign/requestor1@contoso.onmicrosoft.com
  entra-saga teardown provision/general/marketing-campaign/requestor1@contoso.onmicrosoft.com

Sign-in: AZURE_TENANT_ID and ENTRA_SAGA_SIGN_IN_CLIENT_ID (a public client app); default: the local emulator.
Connection: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE (Temporal's
envconfig), ENTRA_SAGA_TASK_QUEUE, TEMPORAL_UI_URL (for links). Default: the local stack of \`npm run stack\`.
`;
