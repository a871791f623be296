export { openApiDocument } from './openapi-document';
export type { JsonSchema as OpenApiSchema } from './openapi-schemas';
