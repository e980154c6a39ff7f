// POST /_emulator/config: changes the run-time knobs (latency, delivery delays, replication lag, throttling,
// token permissions and lifetime) for chaos tests. Each field is optional; unknown or invalid fields are refused.

import type { RuntimeConfig } from '../options.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const numeric = ['latencyMs', 'deliveryDelayMs', 'consistencyLagMs', 'throttleScale', 'tokenLifetimeSeconds'] as const;
/** Per-kind delivery delays: a number, or null to follow deliveryDelayMs. */
const followingDelays = ['appDeliveryDelayMs', 'siteDeliveryDelayMs'] as const;

const isNonNegative = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

export function applyConfig(current: RuntimeConfig, patch: Record<string, unknown>): RuntimeConfig {
  const next: RuntimeConfig = { ...current, permissions: [...current.permissions] };
  for (const [key, value] of Object.entries(patch)) {
    if ((numeric as readonly string[]).includes(key)) {
      if (!isNonNegative(value)) throw new ConfigError(`${key} must be a non-negative number`);
      if (key === 'tokenLifetimeSeconds' && value < 1) throw new ConfigError('tokenLifetimeSeconds must be at least 1');
      next[key as (typeof numeric)[number]] = value;
    } else if ((followingDelays as readonly string[]).includes(key)) {
      if (value !== null && !isNonNegative(value))
        throw new ConfigError(`${key} must be a non-negative number, or null to follow deliveryDelayMs`);
      next[key as (typeof followingDelays)[number]] = value;
    } else if (key === 'permissions') {
      if (!Array.isArray(value) || !value.every((p) => typeof p === 'string'))
        throw new ConfigError('permissions must be a list of strings');
      next.permissions = [...value];
    } else {
      throw new ConfigError(
        `${key} is not a configurable setting (use ${[...numeric, ...followingDelays, 'permissions'].join(', ')})`,
      );
    }
  }
  return next;
}
