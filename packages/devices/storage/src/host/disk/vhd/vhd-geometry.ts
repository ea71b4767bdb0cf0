/** A disk's cylinder/head/sector geometry, as a VHD footer records it. */
export interface VhdGeometry {
  readonly cylinders: number;
  readonly heads: number;
  readonly sectorsPerTrack: number;
}

/** The largest geometry a footer can hold: 65535 cylinders, 16 heads, 255 sectors per track. */
const MAX_GEOMETRY_SECTORS = 65535 * 16 * 255;

/**
 * The CHS geometry of a disk of `sizeBytes`, by the algorithm of the VHD specification (appendix
 * "CHS calculation"). Geometry is advisory here: a disk's size is the footer's current size, which
 * tsvisor sets to exactly the size asked for (what qemu calls `force_size`).
 */
export function vhdGeometry(sizeBytes: number): VhdGeometry {
  const totalSectors = Math.min(Math.floor(sizeBytes / 512), MAX_GEOMETRY_SECTORS);
  let sectorsPerTrack: number;
  let heads: number;
  let cylindersTimesHeads: number;
  if (totalSectors >= 65535 * 16 * 63) {
    sectorsPerTrack = 255;
    heads = 16;
    cylindersTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
  } else {
    sectorsPerTrack = 17;
    cylindersTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
    heads = Math.max(4, Math.floor((cylindersTimesHeads + 1023) / 1024));
    if (cylindersTimesHeads >= heads * 1024 || heads > 16) {
      sectorsPerTrack = 31;
      heads = 16;
      cylindersTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
    }
    if (cylindersTimesHeads >= heads * 1024) {
      sectorsPerTrack = 63;
      heads = 16;
      cylindersTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
    }
  }
  return { cylinders: Math.floor(cylindersTimesHeads / heads), heads, sectorsPerTrack };
}
