/** An exception as the SDK throws it for a service error. */
export const serviceError = (
  code: string,
  message = code,
  status = 400,
  extra: Record<string, unknown> = {},
): Error =>
  Object.assign(new Error(message), {
    name: code,
    Code: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, attempts: 3 },
    ...extra,
  });

/** An exception as the SDK throws it when no answer came. */
export const networkError = (code: string): Error =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:1`), {
    name: code === 'TimeoutError' ? 'TimeoutError' : 'Error',
    code,
    $metadata: { attempts: 3 },
  });
