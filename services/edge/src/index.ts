export { loadRoutingTable, type RoutingTable } from './routing-table';
export { nginxConfig, type NginxOptions } from './nginx-config';
