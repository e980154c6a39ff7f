// `npm run codec-server`: serves the payload codec to the Temporal Web UI.
//
//   --port N or ENTRA_SAGA_CODEC_PORT (default 8888), ENTRA_SAGA_CODEC_TOKEN (required; or ENTRA_SAGA_CODEC_TOKEN_FILE),
//   ENTRA_SAGA_CODEC_ORIGINS (comma-separated; default http://localhost:8233,http://127.0.0.1:8233),
//   and the keys (codec/keys.ts: ENTRA_SAGA_CODEC_KEYS or ENTRA_SAGA_CODEC_KEY_FILE).
// Prints "Codec server listening on http://…" when ready. The UI uses http://…/<token> as its codec endpoint.

import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/config-error.js';
import { AesGcmCodec } from './aes-gcm-codec.js';
import { codecKeysFromEnv } from './keys.js';
import { startCodecServer } from './server.js';

try {
  const env = process.env;
  const keys = codecKeysFromEnv(env);
  if (!keys) throw new ConfigError('ENTRA_SAGA_CODEC', 'is off: there is nothing for a codec server to do');
  const tokenFile = env.ENTRA_SAGA_CODEC_TOKEN_FILE?.trim();
  const token = env.ENTRA_SAGA_CODEC_TOKEN?.trim() || (tokenFile ? readFileSync(tokenFile, 'utf8').trim() : '');
  if (token.length < 16)
    throw new ConfigError('ENTRA_SAGA_CODEC_TOKEN', 'must be set to a random string of at least 16 characters');
  const portFlag = process.argv.indexOf('--port');
  const port = Number(
    (portFlag >= 0 ? process.argv[portFlag + 1] : undefined) ?? (env.ENTRA_SAGA_CODEC_PORT?.trim() || 8888),
  );
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError('ENTRA_SAGA_CODEC_PORT', 'must be a port number');
  const allowedOrigins = (env.ENTRA_SAGA_CODEC_ORIGINS?.trim() || 'http://localhost:8233,http://127.0.0.1:8233')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  const server = await startCodecServer({ codec: new AesGcmCodec(keys), token, allowedOrigins, port });
  console.log(`Codec server listening on ${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(`codec server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
