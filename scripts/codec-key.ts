// `npm run codec-key -- rotate [--file PATH]`: adds a new payload-encryption key to the key file and makes it current.
// Old keys stay, so histories written with them remain readable; workers, the CLI and the codec server pick the new
// key up at their next start. `npm run codec-key -- list` shows the key ids (never the keys).

import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultKeyFile, readKeyFile, rotate, writeKeyFile } from '../codec/keys.js';

const { positionals, values } = parseArgs({
  options: { file: { type: 'string' } },
  allowPositionals: true,
  strict: true,
});
const file = values.file ?? (process.env.ENTRA_SAGA_CODEC_KEY_FILE?.trim() || defaultKeyFile);
const command = positionals[0];
if (command !== 'rotate' && command !== 'list') {
  console.error('usage: npm run codec-key -- rotate|list [--file PATH]');
  process.exit(2);
}
const keys = existsSync(file) ? readKeyFile(file) : undefined;
if (command === 'list') {
  if (!keys) {
    console.error(`no key file at ${file}`);
    process.exit(2);
  }
  for (const id of keys.keys.keys()) console.log(`${id}${id === keys.current ? ' (current)' : ''}`);
} else {
  const next = rotate(keys);
  writeKeyFile(file, next);
  console.log(`${file}: new current key ${next.current}; ${next.keys.size - 1} older key(s) kept for decryption`);
}
