// The local cluster's certificates, made with openssl into the cluster's data directory on first start and reused
// after: a CA of its own; the frontend's server certificate (what clients verify: localhost and 127.0.0.1); the
// certificate the cluster's services present to each other (internode mTLS); the system worker's client
// certificate; and the client certificate that the CLI, the provisioning workers and the Web UI present to the
// frontend, which accepts only certificates this CA signed. Keys are P-256, files mode 0600.

import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterSetupError } from './cluster-install.js';

/** The name clients check on the frontend's certificate, and the services on each other's. */
export const frontendServerName = 'localhost';
export const internodeServerName = 'internode.cluster.local';

export interface ClusterPki {
  dir: string;
  caCert: string;
  frontend: { cert: string; key: string };
  internode: { cert: string; key: string };
  systemWorker: { cert: string; key: string };
  client: { cert: string; key: string };
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { code?: string; stderr?: Buffer };
    if (e.code === 'ENOENT')
      throw new ClusterSetupError('the local cluster makes its certificates with openssl: install it');
    throw new ClusterSetupError(`openssl ${args[0]} failed: ${e.stderr?.toString().trim() ?? String(error)}`);
  }
}

/** Creates what is missing under `dir` and returns every path. */
export function ensureClusterPki(dir: string): ClusterPki {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caCert = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  if (!existsSync(caCert) || !existsSync(caKey)) {
    // A new CA invalidates every certificate it signed before.
    for (const name of ['frontend', 'internode', 'system-worker', 'client'])
      for (const suffix of ['.pem', '.key']) rmSync(join(dir, name + suffix), { force: true });
    openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        caKey,
        '-out',
        caCert,
        '-days',
        '3650',
        '-subj',
        '/O=entra-saga/CN=entra-saga local cluster CA',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      dir,
    );
    chmodSync(caKey, 0o600);
  }
  const issue = (name: string, commonName: string, extensions: string[]) => {
    const cert = join(dir, `${name}.pem`);
    const key = join(dir, `${name}.key`);
    if (existsSync(cert) && existsSync(key)) return { cert, key };
    const csr = join(dir, `${name}.csr`);
    const ext = join(dir, `${name}.ext`);
    openssl(
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        csr,
        '-subj',
        `/O=entra-saga/CN=${commonName}`,
      ],
      dir,
    );
    writeFileSync(
      ext,
      `${['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', ...extensions].join('\n')}\n`,
    );
    openssl(
      ['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-days', '825', '-sha256'].concat(
        ['-extfile', ext, '-out', cert],
      ),
      dir,
    );
    rmSync(csr, { force: true });
    rmSync(ext, { force: true });
    chmodSync(key, 0o600);
    return { cert, key };
  };
  const pki: ClusterPki = {
    dir,
    caCert,
    frontend: issue('frontend', 'temporal-frontend', [
      'extendedKeyUsage=serverAuth',
      `subjectAltName=DNS:${frontendServerName},IP:127.0.0.1`,
    ]),
    // The services present one certificate to each other, as servers and as clients.
    internode: issue('internode', 'temporal-internode', [
      'extendedKeyUsage=serverAuth,clientAuth',
      `subjectAltName=DNS:${internodeServerName},IP:127.0.0.1`,
    ]),
    systemWorker: issue('system-worker', 'temporal-system-worker', ['extendedKeyUsage=clientAuth']),
    client: issue('client', 'entra-saga', ['extendedKeyUsage=clientAuth']),
  };
  return pki;
}
