export { deviceAuthorizationEndpoints, devicePollingEndpoints } from './device-polling-routes';
