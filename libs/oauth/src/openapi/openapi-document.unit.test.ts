import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument } from './openapi-document';

const document = openApiDocument() as {
  openapi: string;
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
  >;
};
const README = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
const PUBLISHED = join(__dirname, '..', '..', '..', '..', 'docs', 'openapi.json');

/** The public paths of the README's endpoint table; /metrics and the admin API are not routed to users. */
function readmeEndpoints(): string[] {
  const table = README.slice(README.indexOf('## Endpoints'), README.indexOf('## The stack'));
  const paths = [...table.matchAll(/`(?:[A-Z/]+) (\/[^`]*)`/g)].map((match) => match[1] ?? '');
  return paths.filter((path) => path !== '/metrics' && !path.startsWith('/admin'));
}

describe('the OpenAPI description', () => {
  it('is OpenAPI 3.1', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
  });

  it('describes every public endpoint of the README', () => {
    const endpoints = readmeEndpoints();
    expect(endpoints.length).toBeGreaterThan(10);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(endpoints));
  });

  it('gives every operation answers, and every answer with a body a schema', () => {
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const responses = Object.entries(operation.responses ?? {});
        expect([path, method, responses.length > 0]).toEqual([path, method, true]);
        for (const [status, response] of responses) {
          for (const [type, media] of Object.entries(response.content ?? {})) {
            expect([path, method, status, type, media.schema !== undefined]).toEqual([
              path,
              method,
              status,
              type,
              true,
            ]);
          }
        }
      }
    }
  });

  it('resolves every $ref and names each operation once', () => {
    const whole = openApiDocument();
    const text = JSON.stringify(whole);
    const refs = [...text.matchAll(/"\$ref":"#\/([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(refs.length).toBeGreaterThan(10);
    for (const pointer of refs) {
      const target = pointer.split('/').reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], whole);
      expect([pointer, target !== undefined]).toEqual([pointer, true]);
    }
    const ids = [...text.matchAll(/"operationId":"([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('takes each grant’s parameters from the schema its handler validates with', () => {
    const schemas = (
      openApiDocument().components as { schemas: Record<string, { oneOf?: { title: string; required: string[] }[] }> }
    ).schemas;
    const grants = schemas.TokenRequest?.oneOf ?? [];
    expect(grants.map((grant) => grant.title)).toEqual([
      'authorization_code',
      'refresh_token',
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:device_code',
    ]);
    expect(grants.find((grant) => grant.title === 'refresh_token')?.required).toEqual(['grant_type', 'refresh_token']);
  });

  it('is published unchanged as docs/openapi.json (run `npm run openapi` after a change)', () => {
    expect(JSON.parse(readFileSync(PUBLISHED, 'utf8'))).toEqual(openApiDocument());
  });
});
