import { DeviceConfigError } from '@tsvisor/device-sdk';
import { describe, expect, it } from 'vitest';
import { AccessDeniedError } from '../authorization/access-denied-error.js';
import { DuplicateVmNameError } from '../inventory/duplicate-vm-name-error.js';
import { UnsupportedSchemaVersionError } from '../inventory/unsupported-schema-version-error.js';
import { JobError } from '../jobs/job-error.js';
import { StateChangeInProgressError } from '../jobs/state-change-in-progress-error.js';
import { DeviceNotFoundError } from '../service/device-not-found-error.js';
import { JobNotFoundError } from '../service/job-not-found-error.js';
import { VmNotFoundError } from '../service/vm-not-found-error.js';
import { ReturnCode } from '../state/return-code.js';
import { apiErrorResponse } from './api-error-response.js';
import { UnauthenticatedError } from './unauthenticated-error.js';

function fastifyError(code: string, statusCode: number, message = 'fastify says no'): Error {
  return Object.assign(new Error(message), { code, statusCode });
}

describe('apiErrorResponse', () => {
  it.each([
    [new DeviceConfigError('devices[0].class', 'must be a device class id'), 400, 'invalid-parameter', ReturnCode.InvalidParameter, 'devices[0].class'],
    [new UnsupportedSchemaVersionError(2, [1]), 400, 'unsupported-schema-version', ReturnCode.InvalidParameter, 'schemaVersion'],
    [new AccessDeniedError('reader', 'vm.define'), 403, 'access-denied', ReturnCode.AccessDenied, undefined],
    [new VmNotFoundError('web'), 404, 'vm-not-found', undefined, undefined],
    [new JobNotFoundError('j'), 404, 'job-not-found', undefined, undefined],
    [new DeviceNotFoundError('web', 'd'), 404, 'device-not-found', undefined, undefined],
    [new DuplicateVmNameError('web', 'a', 'b'), 409, 'duplicate-vm-name', ReturnCode.InvalidParameter, 'name'],
    [new StateChangeInProgressError('vm', 'vm.run', 'j'), 409, 'state-change-in-progress', ReturnCode.InvalidState, undefined],
    [new JobError(ReturnCode.InvalidState, 'VM is Off'), 409, 'invalid-state', ReturnCode.InvalidState, undefined],
    [new JobError(ReturnCode.NotSupported, 'no save'), 400, 'not-supported', ReturnCode.NotSupported, undefined],
    [new JobError(ReturnCode.InvalidParameter, 'bad'), 400, 'invalid-parameter', ReturnCode.InvalidParameter, undefined],
    [new JobError(ReturnCode.Failed, 'the device failed'), 500, 'failed', ReturnCode.Failed, undefined],
    [fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413), 413, 'body-too-large', undefined, undefined],
    [fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), 415, 'unsupported-media-type', undefined, undefined],
    [fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400), 400, 'invalid-json', undefined, ''],
  ])('%s → %i %s', (error, statusCode, code, returnValue, field) => {
    const response = apiErrorResponse(error);
    expect(response.statusCode).toBe(statusCode);
    expect(response.body.error).toEqual({
      code,
      message: code === 'unsupported-media-type' ? 'the body must be application/json' : error.message,
      ...(returnValue === undefined ? {} : { returnValue }),
      ...(field === undefined ? {} : { field }),
    });
  });

  it('challenges an unauthenticated caller, saying invalid_token when a token was presented', () => {
    expect(apiErrorResponse(new UnauthenticatedError(false, 'a bearer token is required'))).toMatchObject({
      statusCode: 401,
      headers: { 'www-authenticate': 'Bearer realm="tsvisor"' },
      body: { error: { code: 'unauthenticated' } },
    });
    expect(apiErrorResponse(new UnauthenticatedError(true, 'bad')).headers).toEqual({
      'www-authenticate': 'Bearer realm="tsvisor", error="invalid_token"',
    });
  });

  it('answers anything unknown with a 500 that says nothing of it', () => {
    const secret = new Error('ENOENT: /etc/tsvisor/secret.key');
    const response = apiErrorResponse(secret);
    expect(response).toEqual({ statusCode: 500, body: { error: { code: 'internal-error', message: 'internal error: the VMMS log has the details' } } });
    expect(JSON.stringify(response)).not.toContain('secret');
    expect(apiErrorResponse('a thrown string').statusCode).toBe(500);
    expect(apiErrorResponse(fastifyError('FST_SOMETHING', 503)).statusCode).toBe(500);
  });
});
