import { DeviceConfigError } from '@tsvisor/device-sdk';
import { VirtualSwitchInUseError, VirtualSwitchNameTakenError, VirtualSwitchNotFoundError } from '@tsvisor/device-sdk/host';
import { AccessDeniedError } from '../authorization/access-denied-error.js';
import { DuplicateVmNameError } from '../inventory/duplicate-vm-name-error.js';
import { UnsupportedSchemaVersionError } from '../inventory/unsupported-schema-version-error.js';
import { JobError } from '../jobs/job-error.js';
import { StateChangeInProgressError } from '../jobs/state-change-in-progress-error.js';
import { DeviceNotFoundError } from '../service/device-not-found-error.js';
import { JobNotFoundError } from '../service/job-not-found-error.js';
import { VmNotFoundError } from '../service/vm-not-found-error.js';
import { ReturnCode } from '../state/return-code.js';
import { UnauthenticatedError } from './unauthenticated-error.js';

/** The one shape of every error the management API answers with. */
export interface ApiErrorBody {
  readonly error: {
    /** What went wrong, in kebab case: `invalid-parameter`, `vm-not-found`, `invalid-state`, … */
    readonly code: string;
    /** The PROTOCOLS.md §6 return code, where the failure has one. */
    readonly returnValue?: number;
    readonly message: string;
    /** For bad input: the dotted path of the offending field (`memory`, `devices[0].class`); empty for the body as a whole. */
    readonly field?: string;
  };
}

/** An error as the API sends it: status, body, and any headers it needs. */
export interface ApiErrorResponse {
  readonly statusCode: number;
  readonly body: ApiErrorBody;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What Fastify's own errors carry. */
interface FastifyErrorLike {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly message: string;
}

const jobErrorStatus = {
  [ReturnCode.Failed]: { statusCode: 500, code: 'failed' },
  [ReturnCode.AccessDenied]: { statusCode: 403, code: 'access-denied' },
  // Not supported is the caller's to change, and retrying will not help: a client error, not a 5xx.
  [ReturnCode.NotSupported]: { statusCode: 400, code: 'not-supported' },
  [ReturnCode.InvalidParameter]: { statusCode: 400, code: 'invalid-parameter' },
  [ReturnCode.InvalidState]: { statusCode: 409, code: 'invalid-state' },
} as const;

/** Fastify's request errors, by their code. */
const fastifyErrors: Readonly<Record<string, { readonly statusCode: number; readonly code: string; readonly message?: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { statusCode: 413, code: 'body-too-large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { statusCode: 415, code: 'unsupported-media-type', message: 'the body must be application/json' },
  FST_ERR_CTP_INVALID_JSON_BODY: { statusCode: 400, code: 'invalid-json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { statusCode: 400, code: 'invalid-json' },
};

function respond(statusCode: number, code: string, message: string, extra: { returnValue?: number; field?: string } = {}): ApiErrorResponse {
  return { statusCode, body: { error: { code, ...extra, message } } };
}

function isFastifyError(error: unknown): error is FastifyErrorLike {
  return error instanceof Error && typeof (error as FastifyErrorLike).statusCode === 'number';
}

/**
 * How the API answers `error` (PROTOCOLS.md §6 codes in `returnValue`):
 *
 * | error | status | code |
 * |---|---|---|
 * | `DeviceConfigError`, route-schema validation | 400 | `invalid-parameter` (32773), `field` named |
 * | `UnsupportedSchemaVersionError` | 400 | `unsupported-schema-version` (32773) |
 * | body not JSON / empty JSON body | 400 | `invalid-json`, `field` empty: the body |
 * | `UnauthenticatedError` | 401 | `unauthenticated`, with `WWW-Authenticate: Bearer` |
 * | `AccessDeniedError` | 403 | `access-denied` (32769) |
 * | `VmNotFoundError`, `JobNotFoundError`, `DeviceNotFoundError`, `VirtualSwitchNotFoundError` | 404 | `vm-not-found`, `job-not-found`, `device-not-found`, `switch-not-found` |
 * | `DuplicateVmNameError`, `VirtualSwitchNameTakenError` | 409 | `duplicate-vm-name`, `duplicate-switch-name` (32773), `field` `name` |
 * | `VirtualSwitchInUseError` | 409 | `switch-in-use` (32775) |
 * | `StateChangeInProgressError` | 409 | `state-change-in-progress` (32775) |
 * | `JobError` | by code | InvalidState 409, NotSupported 400, InvalidParameter 400, Failed 500 |
 * | body over the limit / not JSON media type | 413 / 415 | `body-too-large` / `unsupported-media-type` |
 * | anything else | 500 | `internal-error`, a fixed message: nothing of the error leaks |
 */
export function apiErrorResponse(error: unknown): ApiErrorResponse {
  if (error instanceof UnauthenticatedError) {
    const challenge = error.presentedCredentials ? 'Bearer realm="tsvisor", error="invalid_token"' : 'Bearer realm="tsvisor"';
    return { ...respond(401, 'unauthenticated', error.message), headers: { 'www-authenticate': challenge } };
  }
  if (error instanceof AccessDeniedError) return respond(403, 'access-denied', error.message, { returnValue: error.returnCode });
  if (error instanceof UnsupportedSchemaVersionError) {
    return respond(400, 'unsupported-schema-version', error.message, { returnValue: ReturnCode.InvalidParameter, field: error.field });
  }
  if (error instanceof DeviceConfigError) {
    return respond(400, 'invalid-parameter', error.message, { returnValue: ReturnCode.InvalidParameter, field: error.field });
  }
  if (error instanceof DuplicateVmNameError) {
    return respond(409, 'duplicate-vm-name', error.message, { returnValue: ReturnCode.InvalidParameter, field: error.field });
  }
  if (error instanceof VirtualSwitchNameTakenError) {
    return respond(409, 'duplicate-switch-name', error.message, { returnValue: ReturnCode.InvalidParameter, field: error.field });
  }
  if (error instanceof VirtualSwitchInUseError) return respond(409, 'switch-in-use', error.message, { returnValue: ReturnCode.InvalidState });
  if (error instanceof VmNotFoundError) return respond(404, 'vm-not-found', error.message);
  if (error instanceof VirtualSwitchNotFoundError) return respond(404, 'switch-not-found', error.message);
  if (error instanceof JobNotFoundError) return respond(404, 'job-not-found', error.message);
  if (error instanceof DeviceNotFoundError) return respond(404, 'device-not-found', error.message);
  if (error instanceof StateChangeInProgressError) {
    return respond(409, 'state-change-in-progress', error.message, { returnValue: error.returnCode });
  }
  if (error instanceof JobError) {
    const { statusCode, code } = jobErrorStatus[error.returnCode];
    return respond(statusCode, code, error.message, { returnValue: error.returnCode });
  }
  if (isFastifyError(error)) {
    const known = typeof error.code === 'string' ? fastifyErrors[error.code] : undefined;
    if (known !== undefined) {
      return respond(known.statusCode, known.code, known.message ?? error.message, known.code === 'invalid-json' ? { field: '' } : {});
    }
    // Fastify's other request errors (bad content length, poisoned JSON, …) are the client's to fix.
    const statusCode = error.statusCode as number;
    if (statusCode >= 400 && statusCode < 500) {
      const field = error instanceof SyntaxError ? { field: '' } : {};
      return respond(statusCode, 'bad-request', error.message, field);
    }
  }
  return respond(500, 'internal-error', 'internal error: the VMMS log has the details');
}
