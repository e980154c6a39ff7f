// The RSA key that signs access tokens. Kept in the state directory (0600) so tokens issued before a restart
// still validate after it, exactly like a tenant whose signing key did not roll.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, withDirLock, writeFileAtomic } from '../store/files.js';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public half as a JWK for the JWKS document. */
  jwk: { kty: string; use: string; kid: string; x5t: string; n: string; e: string };
}

export async function loadOrCreateSigningKey(stateDir: string): Promise<SigningKey> {
  ensurePrivateDir(stateDir);
  const path = join(stateDir, 'token-signing-key.pem');
  const pem = await withDirLock(stateDir, () => {
    if (!existsSync(path)) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeFileAtomic(path, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
    }
    return Promise.resolve(readFileSync(path, 'utf8'));
  });
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const kid = createHash('sha1').update(spki).digest('base64url');
  const { n, e } = publicKey.export({ format: 'jwk' });
  return { kid, privateKey, publicKey, jwk: { kty: 'RSA', use: 'sig', kid, x5t: kid, n: n!, e: e! } };
}
