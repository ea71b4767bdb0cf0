import { describe, expect, it } from 'vitest';
import { ReturnCode } from '../state/return-code.js';
import { AccessDeniedError } from './access-denied-error.js';
import { assertAuthorized, authorize } from './authorize.js';
import { managementOperations, type ManagementOperation } from './management-operation.js';

/** Who may do what, written out by hand: R reader, O operator, A administrator, '-' nobody known. */
const allowed: Record<ManagementOperation, string> = {
  'vm.list': 'ROA',
  'vm.get': 'ROA',
  'vm.summary': 'ROA',
  'vm.counters': 'ROA',
  'events.subscribe': 'ROA',
  'job.list': 'ROA',
  'job.get': 'ROA',
  'console.read': 'OA',
  'job.cancel': 'OA',
  'vm.run': 'OA',
  'vm.off': 'OA',
  'vm.shutdown': 'OA',
  'vm.reboot': 'OA',
  'vm.reset': 'OA',
  'vm.pause': 'OA',
  'vm.resume': 'OA',
  'vm.define': 'A',
  'vm.modify': 'A',
  'vm.destroy': 'A',
  'device.invoke': 'OA',
  'device.add': 'A',
  'device.modify': 'A',
  'device.remove': 'A',
  'image.create': 'A',
  'image.info': 'ROA',
  'image.convert': 'A',
  'image.check': 'ROA',
  'switch.list': 'ROA',
  'switch.get': 'ROA',
  'switch.create': 'A',
  'switch.delete': 'A',
};

const letterOf: Record<string, string> = { reader: 'R', operator: 'O', administrator: 'A' };
const roles = ['reader', 'operator', 'administrator', 'Administrator', 'admin', '', 'toString', '__proto__', 'constructor'];
const operations = Object.keys(managementOperations) as ManagementOperation[];
const pairs = roles.flatMap((role) => operations.map((operation) => ({ role, operation })));

describe('authorize', () => {
  it('has an expected row for every operation', () => {
    expect(Object.keys(allowed).sort()).toEqual([...operations].sort());
  });

  it.each(pairs)('$role → $operation', ({ role, operation }) => {
    const letter = letterOf[role];
    expect(authorize(role, operation)).toBe(letter !== undefined && allowed[operation].includes(letter));
  });

  it('denies an operation nobody named, whatever the role', () => {
    expect(authorize('administrator', 'vm.format' as ManagementOperation)).toBe(false);
    expect(authorize('administrator', 'hasOwnProperty' as ManagementOperation)).toBe(false);
  });
});

describe('assertAuthorized', () => {
  it('lets an allowed caller through', () => {
    expect(() => assertAuthorized('operator', 'vm.pause')).not.toThrow();
  });

  it('throws an AccessDeniedError naming role and operation, with return code 32769', () => {
    let thrown: unknown;
    try {
      assertAuthorized('reader', 'vm.destroy');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AccessDeniedError);
    const error = thrown as AccessDeniedError;
    expect(error).toMatchObject({ role: 'reader', operation: 'vm.destroy', returnCode: ReturnCode.AccessDenied });
    expect(error.message).toBe('access denied: role "reader" may not perform "vm.destroy"');
  });
});
