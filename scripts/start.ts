// `npm start`: the Microsoft Learn tutorial, end to end, on the embedded default. Starts the local stack (Temporal
// dev server with its Web UI and SQLite file, the Graph emulator, a worker), runs the tutorial saga with the CLI
// (`entra-saga run` with its defaults), prints each step and the Web UI link, stops the stack, exits 0 on success.

import { main } from '../client/main.js';
import { startStack, type Stack } from '../devstack/stack.js';

const out = { write: (text: string) => process.stdout.write(text), isTTY: Boolean(process.stdout.isTTY) };
let stack: Stack | undefined;
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await stack?.stop();
  }
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\n${signal}: stopping the local stack\n`);
    void stop(130);
  });
}

try {
  process.stdout.write('starting the local stack: Temporal dev server, Graph emulator, worker\n');
  stack = await startStack();
  process.stdout.write(
    `  Temporal ${stack.temporal.address} · Web UI ${stack.temporal.uiUrl}\n  Graph emulator ${stack.emulatorInfo.graphBaseUrl} (tenant ${stack.emulatorInfo.domain})\n\n`,
  );
  const code = await main(['run', ...process.argv.slice(2)], out, undefined, { ...process.env, ...stack.env });
  process.stdout.write(
    '\nstopping the local stack (the run stays in .entra-saga/temporal.db: see it with `npm run stack`)\n',
  );
  await stop(code);
} catch (error) {
  process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
}
