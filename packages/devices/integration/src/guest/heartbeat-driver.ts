import type { Channel } from '@tsvisor/device-sdk';
import { heartbeatClass } from '../classes/heartbeat-class.js';
import { HEARTBEAT_VERSIONS, HeartbeatApplicationState, answerHeartbeat } from '../protocol/heartbeat.js';
import { IcMessageType } from '../protocol/icmsg-header.js';
import { IcServiceDriver, type IcDriverCounters } from './ic-service-driver.js';

/** The guest's heartbeat device: answers the host by itself while the program runs. */
export interface HeartbeatDevice {
  /** What the guest reports about its application (default healthy). */
  applicationState: HeartbeatApplicationState;
  /** Whether heartbeats are answered (a program may stop answering, as a hung guest would). */
  answering: boolean;
  readonly counters: IcDriverCounters;
}

/** The guest side of the heartbeat service. */
export class HeartbeatDriver extends IcServiceDriver<HeartbeatDevice> {
  readonly deviceClass = heartbeatClass;
  protected readonly serviceVersions = HEARTBEAT_VERSIONS;
  protected readonly messageType = IcMessageType.HEARTBEAT;

  protected createDevice(_channel: Channel, counters: IcDriverCounters): HeartbeatDevice {
    return { applicationState: HeartbeatApplicationState.HEALTHY, answering: true, counters };
  }

  protected answer(device: HeartbeatDevice, request: Uint8Array): Uint8Array | undefined {
    return device.answering ? answerHeartbeat(request, device.applicationState) : undefined;
  }
}
