// `npm run stack`: the local stack for interactive use — Temporal dev server with its Web UI, the Graph emulator and
// a worker — up until Ctrl-C. Use the CLI beside it (`npx entra-saga run`, `list`, `status`, …). The emulator's
// profile flags pass through, so that any benchmark's profile can be reproduced by hand:
//   npm run stack -- --latency-ms 120 --consistency-lag-ms 800 --delivery-delay-ms 2500

import { parseArgs } from 'node:util';
import { startStack, type Stack } from '../devstack/stack.js';

/** The emulator's flags that shape how Graph behaves (the emulator checks their values: `npm run emulator -- --help`). */
const profileFlags = [
  'latency-ms',
  'delivery-delay-ms',
  'consistency-lag-ms',
  'throttle-scale',
  'seed',
  'permissions',
] as const;

function emulatorProfile(argv: string[]): string[] {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: { help: { type: 'boolean' }, ...Object.fromEntries(profileFlags.map((f) => [f, { type: 'string' }])) },
    }));
  } catch (error) {
    process.stderr.write(
      `npm run stack: ${(error as Error).message.split('. ')[0]}; the flags are --${profileFlags.join(', --')}\n`,
    );
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(
      `npm run stack -- [--${profileFlags.join(' N] [--')} N]\n` +
        'Starts the Temporal dev server with its Web UI, the Graph emulator with this profile, the codec server and a worker.\n',
    );
    process.exit(0);
  }
  return profileFlags.flatMap((flag) => (typeof values[flag] === 'string' ? [`--${flag}`, values[flag]] : []));
}

const emulatorArgs = emulatorProfile(process.argv.slice(2));

let stack: Stack | undefined;
async function stop(code: number): Promise<never> {
  await stack?.stop();
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\n${signal}: stopping the local stack\n`);
    void stop(0);
  });
}

try {
  stack = await startStack({
    emulatorArgs,
    onLine: (line) => {
      if (/listening on|worker ready|ERROR|WARN/.test(line)) process.stdout.write(`${line}\n`);
    },
  });
  process.stdout.write(
    [
      '',
      `Temporal dev server  ${stack.temporal.address} (namespace ${stack.temporal.namespace})`,
      `Temporal Web UI      ${stack.temporal.uiUrl}`,
      `Graph emulator       ${stack.emulatorInfo.graphBaseUrl} (tenant ${stack.emulatorInfo.tenantId}, domain ${stack.emulatorInfo.domain})`,
      ...(emulatorArgs.length ? [`  profile            ${emulatorArgs.join(' ')}`] : []),
      `Codec server         ${new URL(stack.codecEndpoint).origin} (payloads are encrypted; the Web UI decrypts them through it)`,
      '',
      'Try: npx entra-saga run          (or: npx entra-saga run --cleanup hold, then npx entra-saga list)',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  await new Promise(() => undefined);
} catch (error) {
  process.stderr.write(`npm run stack: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
}
