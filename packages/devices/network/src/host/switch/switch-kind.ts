/**
 * What a virtual switch connects, as in Hyper-V: a `private` switch joins virtual machines only;
 * an `internal` switch also has one port for the host itself.
 */
export type SwitchKind = 'private' | 'internal';
