import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveInfra, type ResolvedInfra } from '@grantline/lib-infra';
import { startStack, type RunningStack } from '@grantline/lib-stack';
import { seedCodeBlock } from '../support/seed-document';
import { ensurePythonRequests } from '../support/python-requests';

const PYTHON_TIMEOUT_MS = 60_000;
// The first `go test` in a fresh GOCACHE compiles net/http and friends, which takes a while.
const GO_TIMEOUT_MS = 240_000;

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Runs a command in its own process group so that a timeout also kills what it spawned (e.g. the Go test binary). */
function runBounded(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${command}: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, timedOut, stdout, stderr });
    });
  });
}

function describeRun(label: string, result: RunResult): string {
  const status = result.timedOut ? 'timed out' : `exited with ${result.code ?? result.signal}`;
  return `${label} ${status}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}

/** The child's environment: no proxies, so that requests to the stack stay on loopback. */
function loopbackEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/_proxy$/i.test(key)) env[key] = value;
  }
  return { ...env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', ...extra };
}

const PYTHON_DRIVER = `import json
import os
import sys

try:
    import requests  # noqa: F401
except ImportError:
    print(json.dumps({"error": "python3 cannot import requests; install it with: pip install requests"}))
    sys.exit(3)

from oauth_client import OAuth2ClientCredentialsClient

client = OAuth2ClientCredentialsClient(
    client_id=os.environ["GRANTLINE_CLIENT_ID"],
    client_secret=os.environ["GRANTLINE_CLIENT_SECRET"],
    auth_server_url=os.environ["GRANTLINE_URL"],
    scopes=["read", "write", "admin"],
    timeout=10,
)

token = client.authenticate()
introspected_same_token = client.get_valid_token() == token.access_token
before = client.introspect_token()
revoked = client.revoke_token()
after = client.introspect_token(token.access_token)

print(json.dumps({
    "token_type": token.token_type,
    "expires_in": token.expires_in,
    "scope": token.scope,
    "introspected_same_token": introspected_same_token,
    "before": before,
    "revoked": revoked,
    "after": after,
}))
`;

const GO_MOD = 'module grantlineseed\n\ngo 1.21\n';

const GO_TEST = `package main

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

func TestAgainstGrantline(t *testing.T) {
	client := NewOAuth2Client(
		os.Getenv("GRANTLINE_CLIENT_ID"),
		os.Getenv("GRANTLINE_CLIENT_SECRET"),
		os.Getenv("GRANTLINE_URL"),
		[]string{"read", "write", "admin"},
	)

	token, err := client.Authenticate()
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	oldToken := token.AccessToken

	before, err := client.IntrospectToken("")
	if err != nil {
		t.Fatalf("IntrospectToken before revocation: %v", err)
	}
	if before["active"] != true {
		t.Fatalf("a fresh token introspected as %v", before)
	}

	if err := client.RevokeToken(""); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}

	after, err := client.IntrospectToken(oldToken)
	if err != nil {
		t.Fatalf("IntrospectToken after revocation: %v", err)
	}
	if after["active"] != false {
		t.Fatalf("a revoked token introspected as %v", after)
	}

	summary, err := json.Marshal(map[string]interface{}{
		"token_type": token.TokenType,
		"expires_in": token.ExpiresIn,
		"scope":      token.Scope,
		"before":     before,
		"after":      after,
	})
	if err != nil {
		t.Fatalf("summary: %v", err)
	}
	fmt.Println("GRANTLINE_SUMMARY " + string(summary))
}
`;

let infra: ResolvedInfra | undefined;
let stack: RunningStack | undefined;
let workDir: string | undefined;
let pythonSource: string;
let goSource: string;
let clientId: string;
let clientSecret: string;
const scratchDirs: string[] = [];

function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

beforeAll(async () => {
  // Read the seed first: without it there is nothing to test, and the error says where to find it.
  pythonSource = seedCodeBlock('### Python Client', 'python');
  goSource = seedCodeBlock('### Go Client', 'go');

  await ensurePythonRequests();
  infra = await resolveInfra();
  workDir = mkdtempSync(join(tmpdir(), 'grantline-seedclients-'));
  stack = await startStack({
    infra: infra.urls,
    publicPort: 0,
    workDir,
    namespace: `seedclients${Date.now()}`,
    env: { GRANTLINE_INTROSPECTION_ALLOW_UNAUTHENTICATED: 'true' },
    replicas: { token: 2, introspection: 2 },
  });

  const response = await fetch(`${stack.url}/admin/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'seed server-to-server client',
      grant_types: ['client_credentials'],
      scopes: 'read write admin',
    }),
  });
  if (response.status !== 201) {
    throw new Error(`client registration failed: ${response.status} ${await response.text()}`);
  }
  const registered = (await response.json()) as { client_id: string; client_secret: string };
  clientId = registered.client_id;
  clientSecret = registered.client_secret;
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await infra?.release();
  for (const dir of [...scratchDirs, ...(workDir ? [workDir] : [])]) rmSync(dir, { recursive: true, force: true });
}, 60_000);

function clientEnv(): Record<string, string> {
  if (!stack) throw new Error('the stack did not start');
  return { GRANTLINE_URL: stack.url, GRANTLINE_CLIENT_ID: clientId, GRANTLINE_CLIENT_SECRET: clientSecret };
}

describe('seed: server-to-server clients against a Grantline stack', () => {
  it(
    'runs the Python OAuth2ClientCredentialsClient: authenticate, introspect, revoke, introspect',
    async () => {
      const dir = scratchDir('grantline-seed-python-');
      writeFileSync(join(dir, 'oauth_client.py'), pythonSource);
      writeFileSync(join(dir, 'driver.py'), PYTHON_DRIVER);

      const result = await runBounded('python3', ['driver.py'], {
        cwd: dir,
        env: loopbackEnv({ ...clientEnv(), PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' }),
        timeoutMs: PYTHON_TIMEOUT_MS,
      });
      const lastLine = result.stdout.trim().split('\n').pop() ?? '';
      let summary: Record<string, unknown>;
      try {
        summary = JSON.parse(lastLine) as Record<string, unknown>;
      } catch {
        throw new Error(describeRun('the Python driver', result));
      }
      if (typeof summary.error === 'string') throw new Error(summary.error);
      if (result.code !== 0) throw new Error(describeRun('the Python driver', result));

      expect(summary).toEqual({
        token_type: 'Bearer',
        expires_in: expect.any(Number),
        scope: 'read write admin',
        introspected_same_token: true,
        // Unauthenticated introspection is allowed in this stack, and then reveals nothing but `active`.
        before: { active: true },
        revoked: true,
        after: { active: false },
      });
    },
    PYTHON_TIMEOUT_MS + 10_000,
  );

  it(
    'runs the Go OAuth2Client: Authenticate, IntrospectToken, RevokeToken, IntrospectToken',
    async () => {
      const dir = scratchDir('grantline-seed-go-');
      writeFileSync(join(dir, 'oauth_client.go'), goSource);
      writeFileSync(join(dir, 'go.mod'), GO_MOD);
      writeFileSync(join(dir, 'client_test.go'), GO_TEST);

      const result = await runBounded('go', ['test', '-run', 'TestAgainstGrantline', '-count=1', '-v', './...'], {
        cwd: dir,
        // No module downloads and no toolchain switch: the client needs the standard library only.
        env: loopbackEnv({ ...clientEnv(), GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local' }),
        timeoutMs: GO_TIMEOUT_MS,
      });
      if (result.code !== 0) throw new Error(describeRun('go test', result));

      const line = result.stdout.split('\n').find((candidate) => candidate.startsWith('GRANTLINE_SUMMARY '));
      if (!line) throw new Error(describeRun('go test (no GRANTLINE_SUMMARY line)', result));
      const summary = JSON.parse(line.slice('GRANTLINE_SUMMARY '.length)) as Record<string, unknown>;
      expect(summary).toEqual({
        token_type: 'Bearer',
        expires_in: expect.any(Number),
        scope: 'read write admin',
        before: { active: true },
        after: { active: false },
      });
    },
    GO_TIMEOUT_MS + 10_000,
  );
});
