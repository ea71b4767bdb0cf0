import type { ImageInfo } from '@tsvisor/vmms';
import { formatBytes } from './byte-size.js';

/** A disk image as `disk info` prints it: aligned `Label: value` lines. */
export function formatImageInfo(image: ImageInfo): string {
  const kind = image.parent !== undefined ? 'differencing' : image.fixed ? 'fixed' : 'dynamic';
  const fields: [string, string][] = [
    ['Path', image.path],
    ['Format', image.format],
    ['Type', kind],
    ['Virtual size', `${formatBytes(image.virtualSize)} (${image.virtualSize} bytes)`],
    ['File size', `${formatBytes(image.fileSize)} (${image.fileSize} bytes)`],
    ['Sector size', String(image.sectorSize)],
  ];
  if (image.blockSize !== undefined) fields.push(['Block size', formatBytes(image.blockSize)]);
  if (image.parent !== undefined) fields.push(['Parent', image.parent]);
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  return fields.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${value}\n`).join('');
}
