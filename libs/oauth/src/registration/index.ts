export {
  registrationEndpoint,
  readRegistrationEndpoint,
  replaceRegistrationEndpoint,
  deleteRegistrationEndpoint,
} from './registration-endpoints';
export { clientInformation, registrationClientUri } from './client-information';
export { parseClientMetadata, clientMetadataSchema, type ClientMetadata } from './client-metadata';
export { admitMetadata, admitRegistrant, type RegistrationSettings } from './registration-policy';
export { hashRegistrationToken } from './registration-token';
export { sweepIdleClients, idleClients, activityOf, type DynamicClientActivity } from './idle-client-sweep';
