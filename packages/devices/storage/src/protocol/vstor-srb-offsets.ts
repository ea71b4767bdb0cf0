import { VmscsiRequest } from './vmscsi-request.js';
import { VstorSrbPacket } from './vstor-packet.js';

const SRB = VstorSrbPacket.offsetOf('srb');

/**
 * Byte offsets of the fields of an EXECUTE_SRB vstor packet (the header and its SCSI request), for
 * the allocation-free readers and writers of both ends: computed once from the layouts.
 */
export const VSTOR_SRB_OFFSETS = {
  srb: SRB,
  operation: VstorSrbPacket.offsetOf('operation'),
  flags: VstorSrbPacket.offsetOf('flags'),
  status: VstorSrbPacket.offsetOf('status'),
  length: SRB + VmscsiRequest.offsetOf('length'),
  srbStatus: SRB + VmscsiRequest.offsetOf('srbStatus'),
  scsiStatus: SRB + VmscsiRequest.offsetOf('scsiStatus'),
  pathId: SRB + VmscsiRequest.offsetOf('pathId'),
  targetId: SRB + VmscsiRequest.offsetOf('targetId'),
  lun: SRB + VmscsiRequest.offsetOf('lun'),
  cdbLength: SRB + VmscsiRequest.offsetOf('cdbLength'),
  senseInfoLength: SRB + VmscsiRequest.offsetOf('senseInfoLength'),
  dataIn: SRB + VmscsiRequest.offsetOf('dataIn'),
  dataTransferLength: SRB + VmscsiRequest.offsetOf('dataTransferLength'),
  cdbOrSense: SRB + VmscsiRequest.offsetOf('cdbOrSense'),
  srbFlags: SRB + VmscsiRequest.offsetOf('srbFlags'),
} as const;
