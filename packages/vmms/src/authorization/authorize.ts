import { AccessDeniedError } from './access-denied-error.js';
import { isManagementOperation, managementOperations, type ManagementOperation } from './management-operation.js';
import { isRole, roleRank } from './role.js';

/**
 * Whether a caller in `role` may perform `operation` (DESIGN.md §6). Pure. Roles nest — reader,
 * operator, administrator — and anything not known, a role or an operation, is denied: the role
 * comes from the caller and is compared exactly, so `"Administrator"` or `"toString"` are no roles.
 */
export function authorize(role: string, operation: ManagementOperation): boolean {
  if (!isRole(role) || !isManagementOperation(operation)) return false;
  return roleRank[role] >= roleRank[managementOperations[operation].leastRole];
}

/** Throws an {@link AccessDeniedError} naming `role` and `operation` unless {@link authorize} allows it. */
export function assertAuthorized(role: string, operation: ManagementOperation): void {
  if (!authorize(role, operation)) throw new AccessDeniedError(role, operation);
}
