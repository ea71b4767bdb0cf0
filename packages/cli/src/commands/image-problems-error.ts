/** `disk check` found problems in an image (listed on stdout): the command ends with exit code 1. */
export class ImageProblemsError extends Error {
  override readonly name = 'ImageProblemsError';

  constructor(
    readonly path: string,
    readonly problemCount: number,
  ) {
    super(`${path}: ${problemCount === 1 ? '1 problem' : `${problemCount} problems`} found`);
  }
}
