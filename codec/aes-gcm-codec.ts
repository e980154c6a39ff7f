// A PayloadCodec that encrypts every payload with AES-256-GCM before it leaves the worker or the client, so that
// Temporal's history, memo, summaries and details hold ciphertext only. The whole payload (metadata and data) is
// encrypted; the envelope says which key did it, so rotated keys keep old histories readable.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { CodecKeys } from './keys.js';
import { modulePath } from '../config/project.js';

export const ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

// @temporalio/proto is CommonJS: take the namespace from its default export.
const ProtoPayload = proto.temporal.api.common.v1.Payload;

export class AesGcmCodec implements PayloadCodec {
  constructor(private readonly keys: CodecKeys) {}

  encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.keys.get(this.keys.current);
    if (!key) return Promise.reject(new Error(`the current codec key "${this.keys.current}" is missing`));
    return Promise.resolve(
      payloads.map((payload) => {
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', key, iv);
        const plain = ProtoPayload.encode(payload).finish();
        const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
        return {
          metadata: { encoding: Buffer.from(ENCODING), [KEY_ID_METADATA]: Buffer.from(this.keys.current) },
          data,
        };
      }),
    );
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    try {
      return Promise.resolve(payloads.map((payload) => this.#decodeOne(payload)));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #decodeOne(payload: Payload): Payload {
    if (Buffer.from(payload.metadata?.encoding ?? []).toString() !== ENCODING) return payload;
    const keyId = Buffer.from(payload.metadata?.[KEY_ID_METADATA] ?? []).toString();
    const key = this.keys.keys.get(keyId);
    if (!key) throw new Error(`cannot decrypt a payload: codec key "${keyId}" is not configured`);
    const data = Buffer.from(payload.data ?? []);
    if (data.length < IV_BYTES + TAG_BYTES) throw new Error('cannot decrypt a payload: it is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    return ProtoPayload.decode(plain);
  }
}

/** The failure converter that encodes failure messages and stack traces too (they otherwise travel in clear). */
export const failureConverterPath = modulePath('codec/failure-converter');

/** The data converter options for clients and workers, or nothing when encryption is off. */
export function dataConverterFor(
  keys: CodecKeys | undefined,
): { payloadCodecs: PayloadCodec[]; failureConverterPath: string } | undefined {
  return keys ? { payloadCodecs: [new AesGcmCodec(keys)], failureConverterPath } : undefined;
}
