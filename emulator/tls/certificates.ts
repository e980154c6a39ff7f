// The emulator's TLS material: a local CA generated on first start and a server certificate for 127.0.0.1 and
// localhost signed by it. Both live in the state directory and are reused, so a client that trusts ca.pem once
// keeps trusting the emulator across restarts. Private keys are written 0600 and never logged.

import './reflect-metadata.js';
import { webcrypto, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { ensurePrivateDir, withDirLock, writeFileAtomic } from '../store/files.js';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as never);

export interface TlsMaterial {
  caCertPath: string;
  caCertPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

const rsa = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const dayMs = 24 * 60 * 60 * 1000;

async function generateKeys(): Promise<CryptoKeyPair> {
  return await webcrypto.subtle.generateKey(rsa, true, ['sign', 'verify']);
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return await webcrypto.subtle.importKey('pkcs8', der, rsa, false, ['sign']);
}

async function createCa(): Promise<{ certPem: string; keyPem: string }> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=entra-saga Graph emulator local CA, O=entra-saga',
    serialNumber: randomSerial(),
    notBefore: new Date(Date.now() - dayMs),
    notAfter: new Date(Date.now() + 3650 * dayMs),
    keys,
    signingAlgorithm: rsa,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

async function createServerCert(caCertPem: string, caKeyPem: string): Promise<{ certPem: string; keyPem: string }> {
  const keys = await generateKeys();
  const ca = new x509.X509Certificate(caCertPem);
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=127.0.0.1',
    issuer: ca.subject,
    serialNumber: randomSerial(),
    notBefore: new Date(Date.now() - dayMs),
    notAfter: new Date(Date.now() + 825 * dayMs),
    publicKey: keys.publicKey,
    signingKey: await importPrivateKey(caKeyPem),
    signingAlgorithm: rsa,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '::1' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca, false),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f; // positive INTEGER
  return Buffer.from(bytes).toString('hex');
}

/** A server certificate is reused only while it is signed by the current CA and valid for at least another day. */
function serverCertUsable(certPem: string, caCertPem: string): boolean {
  try {
    const cert = new NodeX509Certificate(certPem);
    const ca = new NodeX509Certificate(caCertPem);
    return cert.checkIssued(ca) && cert.verify(ca.publicKey) && Date.parse(cert.validTo) > Date.now() + dayMs;
  } catch {
    return false;
  }
}

export async function loadOrCreateTlsMaterial(stateDir: string): Promise<TlsMaterial> {
  ensurePrivateDir(stateDir);
  const paths = {
    caCert: join(stateDir, 'ca.pem'),
    caKey: join(stateDir, 'ca-key.pem'),
    serverCert: join(stateDir, 'server.pem'),
    serverKey: join(stateDir, 'server-key.pem'),
  };
  return withDirLock(stateDir, async () => {
    if (!existsSync(paths.caCert) || !existsSync(paths.caKey)) {
      const ca = await createCa();
      writeFileAtomic(paths.caKey, ca.keyPem, 0o600);
      writeFileAtomic(paths.caCert, ca.certPem, 0o644);
    }
    const caCertPem = readFileSync(paths.caCert, 'utf8');
    let serverCertPem = existsSync(paths.serverCert) ? readFileSync(paths.serverCert, 'utf8') : '';
    if (!existsSync(paths.serverKey) || !serverCertUsable(serverCertPem, caCertPem)) {
      const server = await createServerCert(caCertPem, readFileSync(paths.caKey, 'utf8'));
      writeFileAtomic(paths.serverKey, server.keyPem, 0o600);
      writeFileAtomic(paths.serverCert, server.certPem, 0o644);
      serverCertPem = server.certPem;
    }
    return {
      caCertPath: paths.caCert,
      caCertPem,
      serverCertPem,
      serverKeyPem: readFileSync(paths.serverKey, 'utf8'),
    };
  });
}
