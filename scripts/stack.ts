// `npm run stack`: the local stack for interactive use — Temporal dev server with its Web UI, the Graph emulator and
// a worker — up until Ctrl-C. Use the CLI beside it (`npx entra-saga run`, `list`, `status`, …).

import { startStack, type Stack } from '../devstack/stack.js';

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
