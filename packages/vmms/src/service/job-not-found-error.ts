/** No job with this id is running or in the history. */
export class JobNotFoundError extends Error {
  override readonly name = 'JobNotFoundError';

  constructor(readonly jobId: string) {
    super(`there is no job ${JSON.stringify(jobId)}`);
  }
}
