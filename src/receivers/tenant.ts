import { SINGLE_TENANT, tenantIdProblem, UnauthenticatedError } from '../model/index.js';

/**
 * The tenant of a request: `single-tenant` when multi-tenancy is off, else the `X-Scope-OrgID`
 * value (header or gRPC metadata), which must be present and valid.
 */
export function resolveTenant(multitenancy: boolean, orgId: string | undefined): string {
  if (!multitenancy) return SINGLE_TENANT;
  if (orgId === undefined || orgId === '') {
    throw new UnauthenticatedError('no org id: multi-tenancy is on, set the X-Scope-OrgID header');
  }
  const problem = tenantIdProblem(orgId);
  if (problem) throw new UnauthenticatedError(`invalid X-Scope-OrgID: ${problem}`);
  return orgId;
}
