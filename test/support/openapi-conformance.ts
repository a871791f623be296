import Ajv2020 from 'ajv/dist/2020';
import { openApiDocument } from '@grantline/lib-oauth';

interface MediaType {
  schema: unknown;
}
interface DocumentedResponse {
  content?: Record<string, MediaType>;
}
interface Operation {
  responses: Record<string, DocumentedResponse>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: unknown;
}

const document = openApiDocument() as unknown as Document;
// Formats are advisory in OpenAPI 3.1; the shapes are what a drift would break.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });

/**
 * What is wrong with a real answer measured against the description: an undocumented status,
 * a content type the status does not list, a body where none is documented, or a body that
 * does not match the schema. An empty list when the answer is as documented.
 */
export async function driftOf(method: string, path: string, response: Response): Promise<string[]> {
  const where = `${method.toUpperCase()} ${path} → ${response.status}`;
  const operation = document.paths[path]?.[method.toLowerCase()];
  if (!operation) return [`${method.toUpperCase()} ${path} is not in the description`];
  const documented = operation.responses[String(response.status)];
  if (!documented) return [`${where}: status not documented`];
  const body = await response.text();
  if (!documented.content) return body === '' ? [] : [`${where}: a body where none is documented`];
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  const media = documented.content[type];
  if (!media) return [`${where}: content type '${type}' not documented`];
  if (type !== 'application/json') return [];
  // The response schema with the document's components beside it, so its $refs resolve.
  const validate = ajv.compile({ ...(media.schema as object), components: document.components });
  if (validate(JSON.parse(body))) return [];
  return (validate.errors ?? []).map((error) => `${where}: ${error.instancePath || 'body'} ${error.message ?? ''}`);
}
