import type { SgsyncError } from '@sgsync/core';

/** Where a failed call went, so that its error names the failing item. */
export interface CallSite {
  readonly service: string;
  readonly region: string;
  /** The item the call was about: a group id, a table and stream, ... */
  readonly resource: string;
  readonly operation: string;
  /** The items of the call, in words, when it names several. */
  readonly item?: string;
}

/** Where a call went, in words: `Operation on resource (items) in region`. */
export const whereOf = (site: CallSite): string =>
  `${site.operation} on ${site.resource}` +
  `${site.item === undefined ? '' : ` (${site.item})`} in ${site.region}`;

/** The parts of an SDK exception that the translation reads. */
interface SdkErrorShape {
  readonly name?: string;
  readonly code?: string;
  readonly Code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);

const NETWORK_CODES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'NetworkingError',
]);

/** The error code of an SDK exception (`InvalidGroup.NotFound`, ...). */
export const errorCode = (error: unknown): string => {
  const shape = asShape(error);

  return shape.Code ?? shape.name ?? shape.code ?? 'Unknown';
};

/** The message of an SDK exception, or its text. */
export const errorMessage = (error: unknown): string =>
  asShape(error).message ?? String(error);

const asShape = (error: unknown): SdkErrorShape =>
  typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};

/**
 * Translates what every AWS call can fail with: throttling (once the
 * SDK's retries ran out), timeouts and network failures, server errors,
 * and any other refusal. Adapters map their own codes first.
 */
export const translateCommonError = (
  error: unknown,
  site: CallSite,
): SgsyncError => {
  const shape = asShape(error);
  const code = errorCode(error);
  const where = whereOf(site);
  const status = shape.$metadata?.httpStatusCode;

  if (THROTTLING_CODES.has(code) || shape.$retryable?.throttling) {
    return throttled(site, `${where} was throttled: ${errorMessage(error)}`);
  }
  if (isNetworkFailure(shape, code) || (status ?? 0) >= 500) {
    return unreachable(
      site,
      `${where} failed: ${code}: ${errorMessage(error)}`,
    );
  }
  if (status !== undefined) return rejected(site, code, where, error);

  return {
    kind: 'Unexpected',
    message: `${where} failed: ${errorMessage(error)}`,
    cause: error,
  };
};

const isNetworkFailure = (shape: SdkErrorShape, code: string): boolean =>
  NETWORK_CODES.has(code) ||
  (shape.code !== undefined && NETWORK_CODES.has(shape.code));

const throttled = (site: CallSite, message: string): SgsyncError => ({
  kind: 'Throttled',
  message,
  region: site.region,
  service: site.service,
});

const unreachable = (site: CallSite, message: string): SgsyncError => ({
  kind: 'Unreachable',
  message,
  region: site.region,
  service: site.service,
});

const rejected = (
  site: CallSite,
  code: string,
  where: string,
  error: unknown,
): SgsyncError => ({
  kind: 'Rejected',
  message: `${where} was refused: ${code}: ${errorMessage(error)}`,
  code,
  resource: site.resource,
});

/** A NotFound error for a named resource. */
export const notFound = (site: CallSite, error: unknown): SgsyncError => ({
  kind: 'NotFound',
  message:
    `${site.resource} in ${site.region} does not exist ` +
    `(${site.operation}: ${errorMessage(error)})`,
  resource: site.resource,
});
