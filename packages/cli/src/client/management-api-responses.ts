import type { ImageInfo, Job, JsonValue, VirtualSwitchDetails, VmSummary } from '@tsvisor/vmms';

/** The answer to `POST /vms` (201): the VM defined, and the job that defines it. */
export interface VmCreation {
  readonly vm: VmSummary;
  readonly job: Job;
}

/** The answer to `DELETE /vms/{vm}` (202): the job that destroys the VM. */
export interface VmDeletion {
  readonly job: Job;
}

/** The answer to `POST /images` (201): the image created, and the job that created it. */
export interface ImageCreation {
  readonly image: ImageInfo;
  readonly job: Job;
}

/** The answer to `POST /images/convert` (202): the job that converts; `GET /images/info` describes the result once it completes. */
export interface ImageConversionStart {
  readonly job: Job;
}

/** The answer to `POST /vms/{vm}/devices/{instanceId}/operations/{operation}`: what the device's provider returned. */
export interface DeviceOperationResult {
  readonly result: JsonValue;
}

/** The answer to `POST /switches` (201): the switch created, and the job that created it. */
export interface VirtualSwitchCreation {
  readonly switch: VirtualSwitchDetails;
  readonly job: Job;
}

/** The answer to `DELETE /switches/{name}` (202): the job that deleted the switch. */
export interface VirtualSwitchDeletion {
  readonly job: Job;
}
