// Entry point of `npm run cli -- <command>`.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), {
  write: (t) => process.stdout.write(t),
  isTTY: Boolean(process.stdout.isTTY),
});
