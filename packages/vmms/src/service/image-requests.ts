import { schema, type ConfigOf } from '@tsvisor/device-sdk';

const imagePath = (description: string) => schema.string({ minLength: 1, maxLength: 4096, description });
const formatName = (description: string) => schema.string({ minLength: 1, maxLength: 32, description });

/** What `createImage` takes (`POST /images`). */
export const imageCreationSchema = schema.object({
  path: imagePath('Absolute path of the new image; nothing may exist there'),
  format: formatName('Its format: vhdx, vhd, raw, or one a plugin adds'),
  size: schema.byteSize({ min: 512, description: 'Virtual size, e.g. "10G"' }),
  fixed: schema.optional(schema.boolean({ description: 'Allocate the whole size now; default a dynamic image' })),
  parent: schema.optional(imagePath('For a differencing image: the absolute path of its parent')),
  blockSize: schema.optional(schema.byteSize({ min: 512, description: 'Allocation unit of a dynamic image, e.g. "32M"; the format\'s default otherwise' })),
});

/** A checked {@link imageCreationSchema} input. */
export type ImageCreationRequest = ConfigOf<typeof imageCreationSchema>;

/** What `convertImage` takes (`POST /images/convert`). */
export const imageConversionSchema = schema.object({
  source: imagePath('Absolute path of the image to convert'),
  destination: imagePath('Absolute path of the new image; nothing may exist there'),
  to: formatName("The new image's format"),
  fixed: schema.optional(schema.boolean({ description: 'Make the new image fixed; default dynamic' })),
});

/** A checked {@link imageConversionSchema} input. */
export type ImageConversionRequest = ConfigOf<typeof imageConversionSchema>;

/** What `imageInfo` and `checkImage` take (`GET /images/info?path=`, `POST /images/check`). */
export const imagePathSchema = schema.object({
  path: imagePath('Absolute path of the image'),
});
