/**
 * Versions of the integration-service framework and of each service's messages: a major and a
 * minor number (`struct ic_version`, PROTOCOLS.md §5), ordered major first.
 * @module
 */
import { struct, u16, type Infer } from '@tsvisor/wire';

/** A version on the wire (`struct ic_version`, 4 bytes): u16 major, u16 minor. */
export const IcVersion = struct('IcVersion', {
  major: u16,
  minor: u16,
});
/** Value of an {@link IcVersion}. */
export type IcVersion = Infer<typeof IcVersion>;

/** The versions a negotiation settled on: one for the framework, one for the service's messages. */
export interface NegotiatedVersions {
  readonly framework: IcVersion;
  readonly service: IcVersion;
}

/**
 * A version value.
 * @param major - Major number, 0..65535.
 * @param minor - Minor number, 0..65535.
 * @throws RangeError if a number does not fit in a u16.
 */
export function icVersion(major: number, minor: number): IcVersion {
  checkVersionNumber('major', major);
  checkVersionNumber('minor', minor);
  return { major, minor };
}

function checkVersionNumber(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new RangeError(`an IC version ${name} is an integer from 0 to 65535, got ${value}`);
  }
}

/** Negative if `a` is older than `b`, zero if they are the same version, positive if newer. */
export function compareIcVersions(a: IcVersion, b: IcVersion): number {
  return a.major - b.major || a.minor - b.minor;
}

/** True if `a` and `b` are the same version. */
export function isSameIcVersion(a: IcVersion, b: IcVersion): boolean {
  return a.major === b.major && a.minor === b.minor;
}

/** `major.minor`, as Hyper-V and the Linux drivers print versions: `3.2`. */
export function formatIcVersion(version: IcVersion): string {
  return `${version.major}.${version.minor}`;
}

/** The newest version in `versions`, or `undefined` if there is none. */
export function newestIcVersion(versions: Iterable<IcVersion>): IcVersion | undefined {
  let newest: IcVersion | undefined;
  for (const version of versions) {
    if (!newest || compareIcVersions(version, newest) > 0) newest = version;
  }
  return newest;
}
