// `npm run emulator -- [options]`: prints exactly one line to stdout when ready —
// "Graph emulator listening on https://127.0.0.1:PORT" — and logs everything else to stderr. Bad options exit 2;
// a refused data file or a busy port exits 1; SIGINT/SIGTERM stop it cleanly.

import { flags, parseArgs, usage, UsageError } from './cli-args.js';
import { startEmulator } from './emulator.js';
import { EmulatorOptionError } from './options.js';

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`graph-emulator: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  if (parsed.help) {
    console.log(usage());
    return;
  }
  let emulator;
  try {
    emulator = await startEmulator(parsed.options);
  } catch (error) {
    if (error instanceof EmulatorOptionError) {
      const flag = Object.entries(flags).find(([, spec]) => spec.option === error.option)?.[0];
      console.error(`graph-emulator: ${flag ?? error.option}: ${error.message.slice(error.option.length + 2)}`);
      process.exit(2);
    }
    console.error(`graph-emulator: ${(error as Error).message}`);
    process.exit(1);
  }
  const { info } = emulator;
  console.error(
    `graph-emulator: tenant ${info.tenantId} (${info.domain}), client id ${info.clientId}; CA certificate ${info.caCertPath}`,
  );
  console.error(`graph-emulator: Graph base URL ${info.graphBaseUrl}; control plane ${emulator.url}/_emulator/info`);
  // Handlers go in before the ready line: a supervisor may signal as soon as it reads it.
  const stop = (signal: string) => {
    console.error(`graph-emulator: ${signal} received, stopping`);
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  console.log(`Graph emulator listening on ${emulator.url}`);
}

void main();
