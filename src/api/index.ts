export { createApiServer, type ApiDeps, type BuildInfo } from './http/server.js';
export type { TraceFinder } from './http/trace-routes.js';
export { GrpcCode, mapError, type MappedError } from './errors.js';
