/**
 * Page codes of the INQUIRY vital product data and MODE SENSE pages a storvsp target serves
 * (SPC-4, SBC-3).
 * @module
 */

/** Vital product data pages (INQUIRY with EVPD set, CDB byte 2). */
export const VpdPage = {
  SUPPORTED_PAGES: 0x00,
  UNIT_SERIAL_NUMBER: 0x80,
  DEVICE_IDENTIFICATION: 0x83,
  BLOCK_LIMITS: 0xb0,
  BLOCK_DEVICE_CHARACTERISTICS: 0xb1,
  LOGICAL_BLOCK_PROVISIONING: 0xb2,
} as const;

/** Mode pages (MODE SENSE, CDB byte 2 bits 0–5). */
export const ModePage = {
  CACHING: 0x08,
  /** Every page the device has. */
  ALL: 0x3f,
} as const;

/** The page control of MODE SENSE (CDB byte 2 bits 6–7). */
export const ModePageControl = {
  CURRENT: 0,
  CHANGEABLE: 1,
  DEFAULT: 2,
  SAVED: 3,
} as const;
