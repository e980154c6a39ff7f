// Parses the emulator's command-line flags into EmulatorOptions. Every flag takes a value (`--flag value` or
// `--flag=value`); a bad value is reported as one line naming the flag.

import type { EmulatorOptions } from './options.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface FlagSpec {
  option: keyof EmulatorOptions;
  kind: 'int' | 'number' | 'string' | 'list' | 'boolean';
  help: string;
}

export const flags: Record<string, FlagSpec> = {
  '--port': { option: 'port', kind: 'int', help: 'TCP port; 0 picks a free one (default 8443)' },
  '--host': { option: 'host', kind: 'string', help: 'address to listen on (default 127.0.0.1)' },
  '--state-dir': {
    option: 'stateDir',
    kind: 'string',
    help: 'where the CA, server certificate and signing key live (default .entra-saga/emulator)',
  },
  '--data-file': {
    option: 'dataFile',
    kind: 'string',
    help: 'persist all directory state to this JSON file (default: memory only)',
  },
  '--latency-ms': { option: 'latencyMs', kind: 'number', help: 'added to every Graph call (default 0)' },
  '--delivery-delay-ms': {
    option: 'deliveryDelayMs',
    kind: 'number',
    help: "submitted → delivered time of an assignment request's group roles (default 1500)",
  },
  '--app-delivery-delay-ms': {
    option: 'appDeliveryDelayMs',
    kind: 'number',
    help: 'the same for application roles (default: as --delivery-delay-ms)',
  },
  '--site-delivery-delay-ms': {
    option: 'siteDeliveryDelayMs',
    kind: 'number',
    help: 'the same for SharePoint Online site roles (default: as --delivery-delay-ms)',
  },
  '--consistency-lag-ms': {
    option: 'consistencyLagMs',
    kind: 'number',
    help: 'replication lag of new objects (default 0)',
  },
  '--permissions': {
    option: 'permissions',
    kind: 'list',
    help: 'comma-separated app roles granted to client-credential tokens',
  },
  '--delegated-permissions': {
    option: 'delegatedPermissions',
    kind: 'list',
    help: 'comma-separated delegated permissions consented for the tenant (scp of user tokens)',
  },
  '--admin-add-skips-approval': {
    option: 'adminAddSkipsApproval',
    kind: 'boolean',
    help: "true: adminAdd is delivered without the policy's approval, as reported in practice (default true)",
  },
  '--device-code-expires-in-s': {
    option: 'deviceCodeExpiresInSeconds',
    kind: 'int',
    help: 'lifetime of device codes on the emulator clock (default 900)',
  },
  '--device-code-interval-s': {
    option: 'deviceCodeIntervalSeconds',
    kind: 'int',
    help: 'polling interval device codes are issued with (default 5)',
  },
  '--throttle-scale': {
    option: 'throttleScale',
    kind: 'number',
    help: 'multiplies the documented throttling limits; 0 disables (default 1)',
  },
  '--seed': { option: 'seed', kind: 'int', help: 'seed of the RNG behind fault probabilities (default 1)' },
  '--token-lifetime-s': {
    option: 'tokenLifetimeSeconds',
    kind: 'int',
    help: 'access token lifetime in seconds (default 3599)',
  },
};

export function usage(): string {
  const lines = Object.entries(flags).map(([flag, spec]) => `  ${`${flag} <value>`.padEnd(34)}${spec.help}`);
  return [
    'Usage: npm run emulator -- [options]',
    '',
    'Runs the local Microsoft Graph v1.0 / Entra emulator over HTTPS.',
    '',
    'Options:',
    ...lines,
    `  ${'--help'.padEnd(34)}show this help`,
  ].join('\n');
}

export type ParsedArgs = { help: true } | { help: false; options: EmulatorOptions };

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const options: Record<string, unknown> = { port: 8443 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { help: true };
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = flags[name];
    if (!spec) throw new UsageError(`Unknown option ${name} (see --help)`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`${name} needs a value`);
    switch (spec.kind) {
      case 'int':
        if (!/^-?\d+$/.test(value)) throw new UsageError(`${name} must be an integer, got '${value}'`);
        options[spec.option] = Number(value);
        break;
      case 'number':
        if (!/^\d+(\.\d+)?$/.test(value)) throw new UsageError(`${name} must be a non-negative number, got '${value}'`);
        options[spec.option] = Number(value);
        break;
      case 'boolean':
        if (value !== 'true' && value !== 'false')
          throw new UsageError(`${name} must be true or false, got '${value}'`);
        options[spec.option] = value === 'true';
        break;
      case 'list':
        options[spec.option] = value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      default:
        if (value.trim() === '') throw new UsageError(`${name} must not be empty`);
        options[spec.option] = value;
    }
  }
  return { help: false, options: options };
}
