import { ensurePythonModule } from '@grantline/lib-infra';

/** The seed's Python clients import `requests`; a fresh machine's python3 may not have it. */
export function ensurePythonRequests(): Promise<void> {
  return ensurePythonModule(
    'requests',
    { pip: 'requests', debian: 'python3-requests' },
    { log: (line) => process.stderr.write(`[python] ${line}\n`) },
  );
}
