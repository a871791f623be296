import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throw-away CA and one server certificate it signed, as PEM text, with the CA's file. */
export interface TestCertificates {
  /** The CA certificate, to be trusted by the client under test. */
  caPem: string;
  /** The same CA certificate as a file (for settings that take a path). */
  caFile: string;
  /** The server's certificate and private key. */
  cert: string;
  key: string;
  /** Removes the files. */
  remove(): void;
}

/**
 * Makes a P-256 CA valid for a day and a server certificate for the given DNS names and IP
 * addresses, with the openssl command line (node:crypto cannot issue X.509 certificates).
 */
export function makeTestCertificates(names: { dns: string[]; ip: string[] }): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'grantline-test-ca-'));
  const openssl = (...args: string[]): void => {
    try {
      execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    } catch (error) {
      throw new Error(`making test certificates needs openssl on PATH (openssl ${args[0]}: ${String(error)})`);
    }
  };
  const p256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl('req', '-x509', ...p256, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=Test CA');
  openssl('req', ...p256, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=test server');
  const altNames = [...names.dns.map((name) => `DNS:${name}`), ...names.ip.map((ip) => `IP:${ip}`)];
  writeFileSync(join(dir, 'server.ext'), `subjectAltName=${altNames.join(',')}\n`);
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    'server.ext',
    '-out',
    'server.crt',
  );
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return {
    caPem: read('ca.crt'),
    caFile: join(dir, 'ca.crt'),
    cert: read('server.crt'),
    key: read('server.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
