// Certificate credentials: a client_assertion JWT signed with the private key of a certificate registered for the
// app (POST /_emulator/app-certificates). Accepts the x5t (SHA-1) or x5t#S256 thumbprint header and RS256 or PS256,
// as MSAL sends them; the audience must be this tenant's token endpoint.

import { X509Certificate } from 'node:crypto';
import type { EmulatorContext } from '../context.js';
import { decodeJwt, verifyJwtSignature } from './jwt.js';

const jwtBearer = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface AssertionProblem {
  code: number;
  description: string;
}

export function verifyClientAssertion(
  ctx: EmulatorContext,
  assertion: string,
  assertionType: string | null,
  tenant: string,
): AssertionProblem | undefined {
  if (assertionType !== jwtBearer) {
    return { code: 7000219, description: `'client_assertion_type' must be '${jwtBearer}'.` };
  }
  const jwt = decodeJwt(assertion);
  if (!jwt) return { code: 50027, description: 'JWT token is invalid or malformed.' };
  const x5t = typeof jwt.header.x5t === 'string' ? jwt.header.x5t : undefined;
  const x5t256 = typeof jwt.header['x5t#S256'] === 'string' ? jwt.header['x5t#S256'] : undefined;
  const registered = ctx.store.state.appCertificates.find(
    (c) => c.thumbprintSha1 === x5t || c.thumbprintSha256 === x5t256,
  );
  if (!registered) {
    return {
      code: 700027,
      description: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${x5t256 ?? x5t ?? 'none'}']`,
    };
  }
  const publicKey = new X509Certificate(registered.certificatePem).publicKey;
  if (!verifyJwtSignature(jwt, publicKey)) {
    return { code: 7000274, description: 'Key was found, but use of the key to verify the signature failed.' };
  }
  const { iss, sub, aud, exp } = jwt.claims;
  if (iss !== ctx.options.clientId || sub !== ctx.options.clientId) {
    return {
      code: 700021,
      description: "Client assertion application identifier doesn't match 'client_id' parameter.",
    };
  }
  const audiences = [
    `${ctx.origin}/${tenant}/oauth2/v2.0/token`,
    `${ctx.origin}/${ctx.options.tenantId}/oauth2/v2.0/token`,
  ];
  if (typeof aud !== 'string' || !audiences.includes(aud)) {
    return {
      code: 700212,
      description: 'No matching federated identity record found for presented assertion audience.',
    };
  }
  if (typeof exp !== 'number' || exp * 1000 < Date.now()) {
    return { code: 700024, description: 'Client assertion is not within its valid time range.' };
  }
  return undefined;
}

export function thumbprints(certificatePem: string): { thumbprintSha1: string; thumbprintSha256: string } {
  const cert = new X509Certificate(certificatePem);
  const hexToB64url = (hex: string) => Buffer.from(hex.replaceAll(':', ''), 'hex').toString('base64url');
  return { thumbprintSha1: hexToB64url(cert.fingerprint), thumbprintSha256: hexToB64url(cert.fingerprint256) };
}
