// The payload-encryption keys: AES-256 keys with ids. The first (current) key encrypts; every key decrypts, so a
// rotated-out key keeps old histories readable. Read once at start and validated; key bytes are never logged.
//
//   ENTRA_SAGA_CODEC_KEYS      "id:base64key,id2:base64key" (the first is current), or
//   ENTRA_SAGA_CODEC_KEY_FILE  a JSON file {"current": "id", "keys": {"id": "base64key", ...}}, else
//   .entra-saga/codec-keys.json, created with a fresh key on first use (mode 0600).
//   ENTRA_SAGA_CODEC=off       turns encryption off (payloads in clear in Temporal's history).

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../config/config-error.js';
import { projectRoot } from '../config/project.js';

export interface CodecKeys {
  /** The id of the key that encrypts. */
  readonly current: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

export const defaultKeyFile = join(projectRoot, '.entra-saga/codec-keys.json');
const keyId = /^[A-Za-z0-9._-]{1,64}$/;

function decodeKey(setting: string, id: string, value: unknown): Buffer {
  if (!keyId.test(id))
    throw new ConfigError(setting, `has an invalid key id "${id}" (letters, digits, . _ -; at most 64)`);
  const key = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new ConfigError(setting, `key "${id}" must be 32 bytes in base64 (AES-256)`);
  return key;
}

interface KeyFile {
  current: string;
  keys: Record<string, string>;
}

export function readKeyFile(path: string, setting = 'ENTRA_SAGA_CODEC_KEY_FILE'): CodecKeys {
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  } catch {
    throw new ConfigError(setting, `cannot be read as a JSON key file (${path})`);
  }
  if (typeof parsed.keys !== 'object' || parsed.keys === null)
    throw new ConfigError(setting, `has no "keys" (${path})`);
  const keys = new Map(Object.entries(parsed.keys).map(([id, value]) => [id, decodeKey(setting, id, value)] as const));
  if (!keys.has(parsed.current))
    throw new ConfigError(setting, `names a current key "${parsed.current}" it does not hold (${path})`);
  return { current: parsed.current, keys };
}

export function writeKeyFile(path: string, keys: CodecKeys): void {
  mkdirSync(dirname(path), { recursive: true });
  const file: KeyFile = {
    current: keys.current,
    keys: Object.fromEntries([...keys.keys].map(([id, key]) => [id, key.toString('base64')])),
  };
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
}

/** A new key, made current; the old ones stay for decryption. */
export function rotate(
  keys: CodecKeys | undefined,
  id = `key-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(2).toString('hex')}`,
): CodecKeys {
  const all = new Map(keys?.keys ?? []);
  all.set(id, randomBytes(32));
  return { current: id, keys: all };
}

/** The keys from the environment, the key file, or the default local file; undefined when encryption is off. */
export function codecKeysFromEnv(env: NodeJS.ProcessEnv = process.env): CodecKeys | undefined {
  const mode = env.ENTRA_SAGA_CODEC?.trim().toLowerCase();
  if (mode === 'off') return undefined;
  if (mode && mode !== 'aes-256-gcm')
    throw new ConfigError('ENTRA_SAGA_CODEC', `must be aes-256-gcm (the default) or off (got "${mode}")`);
  const inline = env.ENTRA_SAGA_CODEC_KEYS?.trim();
  if (inline) {
    const entries = inline.split(',').map((entry) => {
      const at = entry.indexOf(':');
      if (at <= 0) throw new ConfigError('ENTRA_SAGA_CODEC_KEYS', 'must be "id:base64key" entries separated by commas');
      const id = entry.slice(0, at).trim();
      return [id, decodeKey('ENTRA_SAGA_CODEC_KEYS', id, entry.slice(at + 1).trim())] as const;
    });
    return { current: entries[0]?.[0] ?? '', keys: new Map(entries) };
  }
  const file = env.ENTRA_SAGA_CODEC_KEY_FILE?.trim();
  if (file) return readKeyFile(file);
  if (!existsSync(defaultKeyFile)) writeKeyFile(defaultKeyFile, rotate(undefined, 'local-1'));
  return readKeyFile(defaultKeyFile, `the local key file ${defaultKeyFile}`);
}
