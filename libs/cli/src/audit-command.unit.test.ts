import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import { auditCommand } from './audit-command';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const asked: Array<{ url: string; authorization: string | undefined }> = [];
let answer: { status: number; body: unknown } = { status: 200, body: { entries: [] } };
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push({ url: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  asked.length = 0;
  answer = { status: 200, body: { entries: [] } };
});

/** Runs `grantline --url … --admin-token … audit <args>` and returns what it printed. */
async function audit(args: string[]): Promise<string> {
  const program = new Command('grantline')
    .option('--url <url>')
    .option('--admin-token <token>')
    .exitOverride()
    .addCommand(auditCommand());
  const printed: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['--url', base, '--admin-token', 'admin-secret', 'audit', ...args], { from: 'user' });
  } finally {
    write.mockRestore();
  }
  return printed.join('');
}

const parametersOf = (url: string) => Object.fromEntries(new URL(url, base).searchParams);

describe('grantline audit', () => {
  it('asks the admin API with the admin token, 100 entries by default, and prints the answer', async () => {
    answer = { status: 200, body: { entries: [{ event_id: 'e1', type: 'AccessTokenIssued' }] } };
    const printed = await audit([]);
    expect(asked).toEqual([{ url: '/admin/audit?limit=100', authorization: 'Bearer admin-secret' }]);
    expect(JSON.parse(printed)).toEqual(answer.body);
  });

  it.each([
    [['--trace-id', TRACE], { trace_id: TRACE }],
    [['--client-id', 'billing'], { client_id: 'billing' }],
    [['--subject', 'alice'], { subject: 'alice' }],
    [['--type', 'AccessTokenRevoked'], { type: 'AccessTokenRevoked' }],
    [
      ['--since', '2026-03-01T00:00:00Z', '--until', '2026-03-02T00:00:00Z'],
      { since: '2026-03-01T00:00:00Z', until: '2026-03-02T00:00:00Z' },
    ],
    [['--limit', '5'], { limit: '5' }],
  ])('maps %j to the query %j', async (args, expected) => {
    await audit(args);
    expect(parametersOf(asked[0]?.url ?? '')).toEqual({ limit: '100', ...expected });
  });

  it('combines filters', async () => {
    await audit(['--trace-id', TRACE, '--client-id', 'billing', '--type', 'AccessTokenIssued']);
    expect(parametersOf(asked[0]?.url ?? '')).toEqual({
      trace_id: TRACE,
      client_id: 'billing',
      type: 'AccessTokenIssued',
      limit: '100',
    });
  });

  it("fails with the API's reason when the API refuses the query", async () => {
    answer = { status: 400, body: { error: 'invalid_request', issues: ['trace_id must be 32 lowercase hex digits'] } };
    await expect(audit(['--trace-id', 'ABC'])).rejects.toThrow(
      /failed \(400\).*trace_id must be 32 lowercase hex digits/,
    );
  });
});
