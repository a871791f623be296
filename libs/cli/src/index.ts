export { adminTarget, adminCall, type AdminTarget } from './admin-client';
