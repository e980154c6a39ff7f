#!/usr/bin/env node
// The `entra-saga` command: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a dynamic import of the .ts entry, typed by the cast
const cli =
  /** @type {{ main: (argv: string[], out: { write(text: string): void; isTTY: boolean }) => Promise<number> }} */ (
    await import(new URL('../client/main.ts', import.meta.url).href)
  );
process.exitCode = await cli.main(process.argv.slice(2), {
  write: (text) => process.stdout.write(text),
  isTTY: Boolean(process.stdout.isTTY),
});
