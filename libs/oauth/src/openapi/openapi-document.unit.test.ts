import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { creationInputSchema } from '../personal-access-tokens/pat-input';
import { openApiDocument } from './openapi-document';
import type { JsonSchema } from './openapi-schemas';

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
    // Links name operations too (`links.*.operationId`): only the operations' own ids count here.
    const ids = Object.values(document.paths).flatMap((operations) =>
      Object.values(operations).map((operation) => (operation as { operationId?: string }).operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    const targets = Object.values(document.paths)
      .flatMap((operations) => Object.values(operations))
      .flatMap((operation) => Object.values(operation.responses ?? {}))
      .flatMap((response) =>
        Object.values((response as { links?: Record<string, { operationId: string }> }).links ?? {}),
      )
      .map((link) => link.operationId);
    expect(targets).toEqual(expect.arrayContaining(['introspect', 'revoke']));
    expect(ids).toEqual(expect.arrayContaining(targets));
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
      'urn:ietf:params:oauth:grant-type:token-exchange',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ]);
    const required = (title: string) => grants.find((grant) => grant.title === title)?.required;
    expect(required('refresh_token')).toEqual(['grant_type', 'refresh_token']);
    expect(required('urn:ietf:params:oauth:grant-type:token-exchange')).toEqual([
      'grant_type',
      'subject_token',
      'subject_token_type',
    ]);
    expect(required('urn:ietf:params:oauth:grant-type:jwt-bearer')).toEqual(['grant_type', 'assertion']);
  });

  it('states the printable-name rule of personal access tokens as a pattern without Unicode property classes', () => {
    const schemas = (openApiDocument().components as { schemas: Record<string, JsonSchema> }).schemas;
    const { pattern } = (schemas.PersonalAccessTokenCreation as { properties: { name: { pattern: string } } })
      .properties.name;
    // Fuzzers read patterns with Python's and Rust's engines, which know no `\p{…}`.
    expect(pattern).not.toContain('\\p{');
    const described = new RegExp(pattern);
    const endpoint = creationInputSchema({ maxTtlSeconds: 60, defaultTtlSeconds: 60 });
    const disagreements: string[] = [];
    for (let code = 0x20; code <= 0xffff; code += 1) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const name = `a${String.fromCharCode(code)}b`;
      const accepted = endpoint.safeParse({ name, scopes: 'read' }).success;
      if (described.test(name) !== accepted) disagreements.push(code.toString(16));
    }
    expect(disagreements).toEqual([]);
  });

  it('lets the token type hint be any value, which the endpoints ignore (RFC 7009 §2.1)', () => {
    const schemas = (openApiDocument().components as { schemas: Record<string, JsonSchema> }).schemas;
    const { properties } = schemas.TokenParameter as { properties: Record<string, JsonSchema> };
    expect(properties.token_type_hint).toMatchObject({ type: 'string' });
    expect(properties.token_type_hint).not.toHaveProperty('enum');
    expect(properties.token).toMatchObject({ type: 'string', minLength: 1 });
  });

  it('is published unchanged as docs/openapi.json (run `npm run openapi` after a change)', () => {
    expect(JSON.parse(readFileSync(PUBLISHED, 'utf8'))).toEqual(openApiDocument());
  });
});
