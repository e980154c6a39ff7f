// A payload-encryption key of the test file's own, in a temporary key file: workers started as processes and the
// CLI read it from ENTRA_SAGA_CODEC_KEY_FILE, in-process clients and workers get the matching data converter.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataConverterFor } from '../../codec/aes-gcm-codec.js';
import { type CodecKeys, rotate, writeKeyFile } from '../../codec/keys.js';

export interface TestCodec {
  keys: CodecKeys;
  keyFile: string;
  dataConverter: NonNullable<ReturnType<typeof dataConverterFor>>;
  env: { ENTRA_SAGA_CODEC_KEY_FILE: string };
}

export function createTestCodec(): TestCodec {
  const keyFile = join(mkdtempSync(join(tmpdir(), 'entra-saga-codec-')), 'codec-keys.json');
  const keys = rotate(undefined, 'test-1');
  writeKeyFile(keyFile, keys);
  return { keys, keyFile, dataConverter: dataConverterFor(keys)!, env: { ENTRA_SAGA_CODEC_KEY_FILE: keyFile } };
}
