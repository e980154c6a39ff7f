// POST /_emulator/config: changes the run-time knobs (latency, delivery delays, replication lag, throttling,
// token permissions and lifetime, device-code timing, whether adminAdd skips approval) for tests. Each field is
// optional; unknown or invalid fields are refused.

import type { RuntimeConfig } from '../options.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const numeric = ['latencyMs', 'deliveryDelayMs', 'consistencyLagMs', 'throttleScale', 'tokenLifetimeSeconds'] as const;
/** Whole seconds. */
const deviceCodeTimes = ['deviceCodeExpiresInSeconds', 'deviceCodeIntervalSeconds'] as const;
const lists = ['permissions', 'delegatedPermissions'] as const;
/** Per-kind delivery delays: a number, or null to follow deliveryDelayMs. */
const followingDelays = ['appDeliveryDelayMs', 'siteDeliveryDelayMs'] as const;

const isNonNegative = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

export function applyConfig(current: RuntimeConfig, patch: Record<string, unknown>): RuntimeConfig {
  const next: RuntimeConfig = {
    ...current,
    permissions: [...current.permissions],
    delegatedPermissions: [...current.delegatedPermissions],
  };
  for (const [key, value] of Object.entries(patch)) {
    if ((numeric as readonly string[]).includes(key)) {
      if (!isNonNegative(value)) throw new ConfigError(`${key} must be a non-negative number`);
      if (key === 'tokenLifetimeSeconds' && value < 1) throw new ConfigError('tokenLifetimeSeconds must be at least 1');
      next[key as (typeof numeric)[number]] = value;
    } else if ((followingDelays as readonly string[]).includes(key)) {
      if (value !== null && !isNonNegative(value))
        throw new ConfigError(`${key} must be a non-negative number, or null to follow deliveryDelayMs`);
      next[key as (typeof followingDelays)[number]] = value;
    } else if ((deviceCodeTimes as readonly string[]).includes(key)) {
      if (!isNonNegative(value) || !Number.isInteger(value)) throw new ConfigError(`${key} must be a whole number`);
      if (key === 'deviceCodeExpiresInSeconds' && value < 1)
        throw new ConfigError('deviceCodeExpiresInSeconds must be at least 1');
      next[key as (typeof deviceCodeTimes)[number]] = value;
    } else if ((lists as readonly string[]).includes(key)) {
      if (!Array.isArray(value) || !value.every((p) => typeof p === 'string'))
        throw new ConfigError(`${key} must be a list of strings`);
      next[key as (typeof lists)[number]] = [...value];
    } else if (key === 'adminAddSkipsApproval') {
      if (typeof value !== 'boolean') throw new ConfigError('adminAddSkipsApproval must be true or false');
      next.adminAddSkipsApproval = value;
    } else {
      const known = [...numeric, ...followingDelays, ...deviceCodeTimes, ...lists, 'adminAddSkipsApproval'];
      throw new ConfigError(`${key} is not a configurable setting (use ${known.join(', ')})`);
    }
  }
  return next;
}
