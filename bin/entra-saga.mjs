#!/usr/bin/env node
// The `entra-saga` command: the operator CLI, compiled (npm run build) or, in development, through tsx (code-form.mjs).
import { entryModule } from './code-form.mjs';

// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a dynamic import of the entry, typed by the cast
const cli =
  /** @type {{ main: (argv: string[], out: { write(text: string): void; isTTY: boolean }) => Promise<number> }} */ (
    await import(await entryModule('client/main'))
  );
process.exitCode = await cli.main(process.argv.slice(2), {
  write: (text) => process.stdout.write(text),
  isTTY: Boolean(process.stdout.isTTY),
});
