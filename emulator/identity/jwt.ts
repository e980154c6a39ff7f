// Compact JWS (RS256/PS256) signing and verification, just enough for access tokens and client assertions.

import { constants, createSign, createVerify, type KeyObject } from 'node:crypto';

export type JwtHeader = Record<string, unknown> & { alg?: string; kid?: string; typ?: string };
export type JwtClaims = Record<string, unknown>;

export interface DecodedJwt {
  header: JwtHeader;
  claims: JwtClaims;
  signingInput: string;
  signature: Buffer;
}

const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(header: JwtHeader, claims: JwtClaims, key: KeyObject): string {
  const signingInput = `${b64json({ ...header, alg: 'RS256' })}.${b64json(claims)}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(key).toString('base64url');
  return `${signingInput}.${signature}`;
}

/** Returns undefined when the text is not a three-part JWS with JSON header and claims. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, claims, signature] = parts as [string, string, string];
  try {
    const parsedHeader: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    const parsedClaims: unknown = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'));
    if (!isObject(parsedHeader) || !isObject(parsedClaims)) return undefined;
    return {
      header: parsedHeader,
      claims: parsedClaims,
      signingInput: `${header}.${claims}`,
      signature: Buffer.from(signature, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

export function verifyJwtSignature(jwt: DecodedJwt, key: KeyObject): boolean {
  const verifier = createVerify('RSA-SHA256').update(jwt.signingInput);
  try {
    if (jwt.header.alg === 'RS256') return verifier.verify(key, jwt.signature);
    if (jwt.header.alg === 'PS256') {
      return verifier.verify({ key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, jwt.signature);
    }
  } catch {
    return false;
  }
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
