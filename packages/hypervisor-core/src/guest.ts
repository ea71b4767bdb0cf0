/**
 * The guest-side entry of `@tsvisor/hypervisor-core`: the hypercall ABI that guest code
 * sees (status codes, SynIC layout constants, the VP environment type) and nothing that
 * runs in the host. Guest images import this, never the main entry.
 */
export { HvStatus } from './synic/hv-status.js';
export {
  PAGE_SIZE,
  PAGE_SHIFT,
  SINT_COUNT,
  SYNIC_MESSAGE_SIZE,
  SYNIC_MESSAGE_HEADER_SIZE,
  SYNIC_MAX_PAYLOAD,
  SYNIC_EVENT_FLAGS_PER_SINT,
  SYNIC_MESSAGE_FLAG_PENDING,
  SYNIC_PAGES_PER_VP,
  SynicMessageHeader,
  PostMessageInput,
  VpAssistPage,
  type VpSynicPages,
} from './synic/synic-layout.js';
export type { VpEnvironment, GuestEntry } from './guest-environment.js';
