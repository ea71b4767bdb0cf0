export { Role, roleRank, isRole } from './role.js';
export {
  managementOperations,
  isManagementOperation,
  isStateChangeOperation,
  type ManagementOperation,
  type OperationKind,
  type OperationPolicy,
} from './management-operation.js';
export { authorize, assertAuthorized } from './authorize.js';
export { AccessDeniedError } from './access-denied-error.js';
