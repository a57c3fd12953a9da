/** The API's routes for CDK: the one table the router also reads (functions/api/route-table.ts). */
export { API_ROUTES, READ_ROUTES, TRAIN_ROUTES, type RouteSpec } from '../../functions/api/route-table.ts';
