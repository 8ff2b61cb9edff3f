import type { ResultAsync } from 'neverthrow';
import type { SgsyncError } from '../errors.js';

/**
 * Awaits a port call that must succeed and returns its value. A failure
 * throws with the error's kind and message, so that the test fails and
 * says why.
 *
 * @example
 * ```ts
 * const slice = await okOf(store.readStream('orders-db/us-east-1'));
 * ```
 */
export const okOf = async <T>(
  result: ResultAsync<T, SgsyncError>,
): Promise<T> => {
  const settled = await result;
  if (settled.isErr()) {
    const { kind, message } = settled.error;
    throw new Error(`expected success, got ${kind}: ${message}`);
  }

  return settled.value;
};

/**
 * Awaits a port call that must fail and returns its error. A success
 * throws, so that the test fails and says why.
 *
 * @example
 * ```ts
 * const error = await errOf(store.appendToStream(stream, 7, events));
 * expect(error.kind).toBe('VersionConflict');
 * ```
 */
export const errOf = async <T>(
  result: ResultAsync<T, SgsyncError>,
): Promise<SgsyncError> => {
  const settled = await result;
  if (settled.isOk()) {
    throw new Error(`expected a failure, got ${JSON.stringify(settled.value)}`);
  }

  return settled.error;
};
