// Payload encryption: AES-256-GCM with key ids, rotation that keeps old payloads readable, tamper detection, and a
// codec server that answers only with its token and only to the allowed browser origins.

import type { Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmCodec, ENCODING, KEY_ID_METADATA } from '../../codec/aes-gcm-codec.js';
import { codecKeysFromEnv, rotate } from '../../codec/keys.js';
import { type RunningCodecServer, startCodecServer } from '../../codec/server.js';
import { ConfigError } from '../../config/config-error.js';

const plain: Payload = {
  metadata: { encoding: Buffer.from('json/plain') },
  data: Buffer.from('{"requestorUpn":"alice@contoso.com"}'),
};
const text = (p: Payload | undefined) => Buffer.from(p?.data ?? []).toString();

describe('AesGcmCodec', () => {
  it('encrypts metadata and data, names its key, and decrypts back', async () => {
    const codec = new AesGcmCodec(rotate(undefined, 'k1'));
    const [encrypted] = await codec.encode([plain]);
    expect(Buffer.from(encrypted?.metadata?.encoding ?? []).toString()).toBe(ENCODING);
    expect(Buffer.from(encrypted?.metadata?.[KEY_ID_METADATA] ?? []).toString()).toBe('k1');
    expect(text(encrypted)).not.toContain('alice');
    const [decrypted] = await codec.decode([encrypted!]);
    expect(text(decrypted)).toBe(text(plain));
    expect(Buffer.from(decrypted?.metadata?.encoding ?? []).toString()).toBe('json/plain');
  });

  it('keeps payloads of a rotated-out key readable, and encrypts new ones with the new key', async () => {
    const first = rotate(undefined, 'k1');
    const [old] = await new AesGcmCodec(first).encode([plain]);
    const rotated = rotate(first, 'k2');
    const codec = new AesGcmCodec(rotated);
    expect(text((await codec.decode([old!]))[0])).toBe(text(plain));
    const [fresh] = await codec.encode([plain]);
    expect(Buffer.from(fresh?.metadata?.[KEY_ID_METADATA] ?? []).toString()).toBe('k2');
  });

  it('refuses a tampered payload and names a missing key', async () => {
    const codec = new AesGcmCodec(rotate(undefined, 'k1'));
    const [encrypted] = await codec.encode([plain]);
    const data = Buffer.from(encrypted!.data!);
    data[20] = (data[20] ?? 0) ^ 1;
    await expect(codec.decode([{ ...encrypted!, data }])).rejects.toThrow();
    await expect(new AesGcmCodec(rotate(undefined, 'other')).decode([encrypted!])).rejects.toThrow(
      /codec key "k1" is not configured/,
    );
  });

  it('reads keys from the environment and names a bad one', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const keys = codecKeysFromEnv({ ENTRA_SAGA_CODEC_KEYS: `new:${key},old:${key}` });
    expect(keys?.current).toBe('new');
    expect([...(keys?.keys.keys() ?? [])]).toEqual(['new', 'old']);
    expect(codecKeysFromEnv({ ENTRA_SAGA_CODEC: 'off' })).toBeUndefined();
    expect(() => codecKeysFromEnv({ ENTRA_SAGA_CODEC_KEYS: 'k:c2hvcnQ=' })).toThrow(ConfigError);
    expect(() => codecKeysFromEnv({ ENTRA_SAGA_CODEC_KEYS: 'k:c2hvcnQ=' })).toThrow(
      /ENTRA_SAGA_CODEC_KEYS key "k" must be 32 bytes/,
    );
    expect(() => codecKeysFromEnv({ ENTRA_SAGA_CODEC_KEY_FILE: '/nope.json' })).toThrow(
      /ENTRA_SAGA_CODEC_KEY_FILE cannot be read/,
    );
  });
});

describe('codec server', () => {
  const token = 'a-test-token-of-enough-length';
  const origin = 'http://localhost:8233';
  let server: RunningCodecServer;
  const codec = new AesGcmCodec(rotate(undefined, 'k1'));
  beforeAll(async () => {
    server = await startCodecServer({ codec, token, allowedOrigins: [origin] });
  });
  afterAll(async () => server?.close());

  async function encryptedJson() {
    const [encrypted] = await codec.encode([plain]);
    return {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(encrypted!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(encrypted!.data!).toString('base64'),
        },
      ],
    };
  }

  it('decodes for a caller with the token, in a header or in the path', async () => {
    const body = JSON.stringify(await encryptedJson());
    for (const [url, headers] of [
      [`${server.url}/decode`, { authorization: `Bearer ${token}` }],
      [`${server.url}/${token}/decode`, {}],
    ] as const) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      expect(response.status).toBe(200);
      const decoded = (await response.json()) as { payloads: { data: string }[] };
      expect(Buffer.from(decoded.payloads[0]?.data ?? '', 'base64').toString()).toBe(text(plain));
    }
  });

  it('refuses a caller without the right token', async () => {
    const body = JSON.stringify(await encryptedJson());
    expect((await fetch(`${server.url}/decode`, { method: 'POST', body })).status).toBe(401);
    expect(
      (await fetch(`${server.url}/decode`, { method: 'POST', body, headers: { authorization: 'Bearer wrong' } }))
        .status,
    ).toBe(401);
    expect((await fetch(`${server.url}/wrong-token-wrong-token/decode`, { method: 'POST', body })).status).toBe(401);
  });

  it('allows CORS from the UI origin only', async () => {
    const preflight = await fetch(`${server.url}/${token}/decode`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/x-namespace/);
    const foreign = await fetch(`${server.url}/${token}/decode`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: '{}',
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});
