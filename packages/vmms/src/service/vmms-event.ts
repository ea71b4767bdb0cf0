import type { Job } from '../jobs/job.js';
import type { VmSummary } from './vm-summary.js';

/**
 * What the VMMS streams (`events$`, `GET /events`): a VM's summary whenever its state, health or
 * heartbeat changes, a VM defined or destroyed, and every change of a job.
 */
export type VmmsEvent =
  | { readonly type: 'vm-state'; readonly vm: VmSummary }
  | { readonly type: 'vm-defined'; readonly vm: VmSummary }
  | { readonly type: 'vm-destroyed'; readonly id: string; readonly name: string }
  | { readonly type: 'job'; readonly job: Job };
