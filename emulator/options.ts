// The emulator's options with their defaults, resolved once at start. Identity defaults are fixed so a data file,
// a client configuration or a test written today keeps working against tomorrow's emulator.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EmulatorOptions {
  /** 0 picks a free port. Default 0 here; the CLI defaults to 8443. */
  port?: number;
  /** Default 127.0.0.1. The server certificate covers 127.0.0.1 and localhost. */
  host?: string;
  /** CA, server certificate and token-signing key; created on first start, reused after. Default <repo>/.entra-saga/emulator. */
  stateDir?: string;
  /** Persist all directory state here (written atomically after each change). Default: in memory only. */
  dataFile?: string;
  /** Added to every Graph call. Default 0. */
  latencyMs?: number;
  /**
   * Time an assignment request (add or remove) takes to deliver a group's roles, from submitted, on the emulator
   * clock; a request is delivered once every resource of its package is. Default 1500.
   */
  deliveryDelayMs?: number;
  /** The same for an application's roles. Default: follows deliveryDelayMs. */
  appDeliveryDelayMs?: number;
  /** The same for a SharePoint Online site's roles. Default: follows deliveryDelayMs. */
  siteDeliveryDelayMs?: number;
  /** For this long after creation an object is invisible to reads, lists and references. Default 0. */
  consistencyLagMs?: number;
  /** App roles granted to client-credential tokens. */
  permissions?: string[];
  /**
   * The delegated Graph permissions consented (by an admin, for the whole tenant) for the tenant's apps: what user
   * tokens (password and device-code sign-in) carry in `scp`. Default: see `defaultDelegatedPermissions`.
   */
  delegatedPermissions?: string[];
  /**
   * An `adminAdd` on a policy that requires approval is delivered without approval, as reported in practice
   * (microsoft-graph-explorer-v4#2931). false: it waits for the policy's approvers like a `userAdd`. Default true.
   */
  adminAddSkipsApproval?: boolean;
  /** Lifetime of a device code on the emulator clock (the `expires_in` it is issued with). Default 900. */
  deviceCodeExpiresInSeconds?: number;
  /** The polling `interval` device codes are issued with. Default 5, as Entra sends. */
  deviceCodeIntervalSeconds?: number;
  /** Multiplies the documented identity throttling limits; 0 disables throttling. Default 1. */
  throttleScale?: number;
  /** Seeds the RNG behind fault probabilities, so a run is replayable. Default 1. */
  seed?: number;
  /** Lifetime of issued access tokens (wall clock). Default 3599. */
  tokenLifetimeSeconds?: number;
  tenantId?: string;
  domain?: string;
  clientId?: string;
  clientSecret?: string;
}

export const defaultPermissions: readonly string[] = Object.freeze([
  'User.ReadWrite.All',
  'Group.ReadWrite.All',
  'EntitlementManagement.ReadWrite.All',
  'Domain.Read.All',
]);

export const defaultDelegatedPermissions: readonly string[] = Object.freeze([
  'User.Read',
  'User.ReadBasic.All',
  'GroupMember.Read.All',
  'EntitlementMgmt-SubjectAccess.ReadWrite',
  'EntitlementManagement.Read.All',
  'EntitlementManagement.ReadWrite.All',
]);

export const identityDefaults = Object.freeze({
  tenantId: '5f0d4a3e-2c1b-4e8a-9d7f-6b5c4a3e2d1f',
  domain: 'contoso.onmicrosoft.com',
  clientId: '3c2b1a09-8f7e-4d6c-b5a4-93827161f5e4',
  clientSecret: 'entra-saga-emulator-local-secret',
  /** Object id of the app's service principal (the `oid`/`sub` of its tokens). */
  servicePrincipalId: '7e6d5c4b-3a29-4f18-8e07-d6c5b4a39281',
  appDisplayName: 'entra-saga',
});

/** The knobs that `POST /_emulator/config` may change while running. */
export interface RuntimeConfig {
  latencyMs: number;
  deliveryDelayMs: number;
  /** null: follows deliveryDelayMs. */
  appDeliveryDelayMs: number | null;
  siteDeliveryDelayMs: number | null;
  consistencyLagMs: number;
  permissions: string[];
  delegatedPermissions: string[];
  adminAddSkipsApproval: boolean;
  throttleScale: number;
  tokenLifetimeSeconds: number;
  deviceCodeExpiresInSeconds: number;
  deviceCodeIntervalSeconds: number;
}

export interface ResolvedOptions extends RuntimeConfig {
  port: number;
  host: string;
  stateDir: string;
  dataFile: string | undefined;
  seed: number;
  tenantId: string;
  domain: string;
  clientId: string;
  clientSecret: string;
}

// The repository's root, whether this runs from source (emulator/) or compiled (dist/emulator/).
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, /[/\\]dist[/\\]emulator$/.test(here) ? '../..' : '..');
const defaultStateDir = resolve(repoRoot, '.entra-saga/emulator');

export class EmulatorOptionError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`${option}: ${message}`);
    this.name = 'EmulatorOptionError';
  }
}

/** The run-time knobs as the emulator starts (and as reset restores them). */
export function startConfig(options: ResolvedOptions): RuntimeConfig {
  return {
    latencyMs: options.latencyMs,
    deliveryDelayMs: options.deliveryDelayMs,
    appDeliveryDelayMs: options.appDeliveryDelayMs,
    siteDeliveryDelayMs: options.siteDeliveryDelayMs,
    consistencyLagMs: options.consistencyLagMs,
    permissions: [...options.permissions],
    delegatedPermissions: [...options.delegatedPermissions],
    adminAddSkipsApproval: options.adminAddSkipsApproval,
    throttleScale: options.throttleScale,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds,
    deviceCodeExpiresInSeconds: options.deviceCodeExpiresInSeconds,
    deviceCodeIntervalSeconds: options.deviceCodeIntervalSeconds,
  };
}

function nonNegative(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0)
    throw new EmulatorOptionError(option, `must be a non-negative number, got ${value}`);
  return value;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const port = nonNegative('port', options.port, 0);
  if (!Number.isInteger(port) || port > 65535)
    throw new EmulatorOptionError('port', `must be an integer 0-65535, got ${port}`);
  const tokenLifetimeSeconds = nonNegative('tokenLifetimeSeconds', options.tokenLifetimeSeconds, 3599);
  if (tokenLifetimeSeconds < 1) throw new EmulatorOptionError('tokenLifetimeSeconds', 'must be at least 1');
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new EmulatorOptionError('seed', `must be an integer, got ${seed}`);
  const tenantId = options.tenantId ?? identityDefaults.tenantId;
  const clientId = options.clientId ?? identityDefaults.clientId;
  if (!guid.test(tenantId)) throw new EmulatorOptionError('tenantId', 'must be a GUID');
  if (!guid.test(clientId)) throw new EmulatorOptionError('clientId', 'must be a GUID');
  const domain = (options.domain ?? identityDefaults.domain).toLowerCase();
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain))
    throw new EmulatorOptionError('domain', `is not a domain name: ${domain}`);
  const permissions = [...(options.permissions ?? defaultPermissions)];
  const deviceCodeExpiresInSeconds = nonNegative('deviceCodeExpiresInSeconds', options.deviceCodeExpiresInSeconds, 900);
  if (!Number.isInteger(deviceCodeExpiresInSeconds) || deviceCodeExpiresInSeconds < 1)
    throw new EmulatorOptionError('deviceCodeExpiresInSeconds', 'must be a whole number of seconds, at least 1');
  const deviceCodeIntervalSeconds = nonNegative('deviceCodeIntervalSeconds', options.deviceCodeIntervalSeconds, 5);
  if (!Number.isInteger(deviceCodeIntervalSeconds))
    throw new EmulatorOptionError('deviceCodeIntervalSeconds', 'must be a whole number of seconds');
  return {
    port,
    host: options.host ?? '127.0.0.1',
    stateDir: resolve(options.stateDir ?? defaultStateDir),
    dataFile: options.dataFile === undefined ? undefined : resolve(options.dataFile),
    latencyMs: nonNegative('latencyMs', options.latencyMs, 0),
    deliveryDelayMs: nonNegative('deliveryDelayMs', options.deliveryDelayMs, 1500),
    appDeliveryDelayMs:
      options.appDeliveryDelayMs === undefined
        ? null
        : nonNegative('appDeliveryDelayMs', options.appDeliveryDelayMs, 0),
    siteDeliveryDelayMs:
      options.siteDeliveryDelayMs === undefined
        ? null
        : nonNegative('siteDeliveryDelayMs', options.siteDeliveryDelayMs, 0),
    consistencyLagMs: nonNegative('consistencyLagMs', options.consistencyLagMs, 0),
    permissions,
    delegatedPermissions: [...(options.delegatedPermissions ?? defaultDelegatedPermissions)],
    adminAddSkipsApproval: options.adminAddSkipsApproval ?? true,
    throttleScale: nonNegative('throttleScale', options.throttleScale, 1),
    seed,
    tokenLifetimeSeconds,
    deviceCodeExpiresInSeconds,
    deviceCodeIntervalSeconds,
    tenantId: tenantId.toLowerCase(),
    domain,
    clientId: clientId.toLowerCase(),
    clientSecret: options.clientSecret ?? identityDefaults.clientSecret,
  };
}
