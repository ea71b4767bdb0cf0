/** Interface GUID of the echo device the test guests serve. */
export const ECHO_DEVICE_TYPE = '6d0c1f5e-2f3a-4c1b-9a57-0e4f2b1d7c11';
/** A device whose ring the hostile guest scribbles on. */
export const SCRIBBLED_DEVICE_TYPE = '6d0c1f5e-2f3a-4c1b-9a57-0e4f2b1d7c12';
/** A device whose incoming ring the hostile guest never reads. */
export const DEAF_DEVICE_TYPE = '6d0c1f5e-2f3a-4c1b-9a57-0e4f2b1d7c13';
/** A device the hostile guest shares pages it does not own with. */
export const GREEDY_DEVICE_TYPE = '6d0c1f5e-2f3a-4c1b-9a57-0e4f2b1d7c14';

/** Guest pages the test guests give VMBus for rings (RAM above the first 1 MiB). */
export const GUEST_ARENA = { firstPfn: 256, pageCount: 512 } as const;

/** Pages per ring the test guests open channels with. */
export const TEST_RING_PAGES = 8;

/** Offers the device types above with a fresh instance GUID each. */
export function testOffer(interfaceType: string, instance: number): { interfaceType: string; interfaceInstance: string } {
  return { interfaceType, interfaceInstance: `00000000-0000-4000-8000-${instance.toString(16).padStart(12, '0')}` };
}
