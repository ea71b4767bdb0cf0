import type { VmSummary } from '@tsvisor/vmms';

/** A VM whose health is not OK where the demo expects it to be. */
export class UnhealthyVmError extends Error {
  override readonly name = 'UnhealthyVmError';

  constructor(
    /** The VM as the VMMS summarised it. */
    readonly vm: VmSummary,
  ) {
    super(`VM ${vm.name} is ${vm.state} with health ${vm.health}${vm.failure === undefined ? '' : `: ${vm.failure}`}`);
  }
}
