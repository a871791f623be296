export { loadRoutingTable, type RoutingTable } from './routing-table';
export { EDGE_HEALTH, isEdgeHealth, nginxConfig, type NginxOptions } from './nginx-config';
