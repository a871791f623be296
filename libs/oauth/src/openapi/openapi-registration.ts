import { clientMetadataSchema } from '../registration/client-metadata';
import { inputSchema, type JsonSchema } from './openapi-schemas';

const JSON_TYPE = 'application/json';
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (description: string, schema: string) => ({
  description,
  content: { [JSON_TYPE]: { schema: ref(schema) } },
});
const oauthError = (description: string) => json(description, 'OAuthError');
const text = { type: 'string' };
const texts = { type: 'array', items: text };

/** RFC 7591 §3.2.2 and what every JSON endpoint may answer. */
const refused = {
  '400': oauthError('invalid_redirect_uri, invalid_client_metadata or unapproved_software_statement (RFC 7591 §3.2.2)'),
  '413': oauthError('The body is over 16 KiB'),
  '415': oauthError('The body is not application/json'),
  '503': oauthError('temporarily_unavailable while the event log or a store is down'),
};
const managed = {
  '401': oauthError('invalid_token: no registration access token, or not the one of this client (RFC 7592 §2)'),
  '503': refused['503'],
};
const clientIdParameter = { name: 'client_id', in: 'path', required: true, schema: text };

/** RFC 7591 §3 and RFC 7592 §2: registration and the registration client URI. */
export function registrationPaths(): Record<string, JsonSchema> {
  return {
    '/oauth/register': {
      post: {
        operationId: 'registerClient',
        summary: 'Dynamic client registration (RFC 7591), when the operator offers it',
        security: [{ bearer: [] }, {}],
        requestBody: { required: true, content: { [JSON_TYPE]: { schema: ref('ClientMetadata') } } },
        responses: {
          '201': json('The client information, with its secrets shown this once', 'ClientInformation'),
          ...refused,
          '401': oauthError('invalid_token: the initial access token is missing or wrong (RFC 7591 §3)'),
          '404': oauthError('Registration is not offered'),
          '429': oauthError('Too many registrations from this address'),
        },
      },
    },
    '/oauth/register/{client_id}': {
      get: {
        operationId: 'readClientRegistration',
        security: [{ bearer: [] }],
        parameters: [clientIdParameter],
        responses: { '200': json('The client information, without secrets', 'ClientInformation'), ...managed },
      },
      put: {
        operationId: 'replaceClientRegistration',
        summary: 'The metadata replaced whole; the answer carries a new registration access token',
        security: [{ bearer: [] }],
        parameters: [clientIdParameter],
        requestBody: { required: true, content: { [JSON_TYPE]: { schema: ref('ClientMetadataUpdate') } } },
        responses: { '200': json('The client information', 'ClientInformation'), ...refused, ...managed },
      },
      delete: {
        operationId: 'deleteClientRegistration',
        security: [{ bearer: [] }],
        parameters: [clientIdParameter],
        responses: { '204': { description: 'Deleted; its tokens end with it' }, ...managed },
      },
    },
  };
}

/** The request and answer bodies of registration. */
export function registrationSchemas(): Record<string, JsonSchema> {
  const metadata = inputSchema(clientMetadataSchema) as { properties: JsonSchema };
  return {
    ClientMetadata: metadata,
    ClientMetadataUpdate: {
      ...metadata,
      properties: { ...metadata.properties, client_id: text, client_secret: text },
      required: ['client_id'],
    },
    ClientInformation: {
      type: 'object',
      properties: {
        client_id: text,
        client_secret: text,
        client_id_issued_at: { type: 'integer' },
        client_secret_expires_at: { const: 0 },
        registration_access_token: text,
        registration_client_uri: { type: 'string', format: 'uri' },
        client_name: text,
        application_type: { enum: ['web', 'native'] },
        redirect_uris: texts,
        grant_types: texts,
        response_types: texts,
        token_endpoint_auth_method: { enum: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'] },
        scope: text,
        jwks: { type: 'object' },
        jwks_uri: text,
        client_uri: text,
        logo_uri: text,
        software_id: text,
        software_version: text,
        // OpenID Connect Registration 1.0 §2, RP-Initiated Logout §3.1, Back-Channel Logout §2.2.
        id_token_signed_response_alg: { enum: ['RS256', 'ES256'] },
        subject_type: { enum: ['public', 'pairwise'] },
        sector_identifier_uri: { type: 'string', format: 'uri' },
        post_logout_redirect_uris: texts,
        backchannel_logout_uri: { type: 'string', format: 'uri' },
        backchannel_logout_session_required: { type: 'boolean' },
        default_max_age: { type: 'integer', minimum: 0 },
        require_auth_time: { type: 'boolean' },
      },
      required: [
        'client_id',
        'client_id_issued_at',
        'registration_client_uri',
        'client_name',
        'application_type',
        'redirect_uris',
        'grant_types',
        'response_types',
        'token_endpoint_auth_method',
        'scope',
        'id_token_signed_response_alg',
        'subject_type',
        'require_auth_time',
      ],
      additionalProperties: false,
    },
  };
}
