// Answers read with a size limit: a 2xx over its limit is an error (the declared length checked before
// reading), an error answer is kept up to 64 KiB for its message; a body we do not want is dropped.
import type { Dispatcher } from 'undici';
import { AppError, BadResponse } from '../../../domain/errors';
import { headerValue } from './types';

export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * The body of `res` as bytes: at most `maxBytes` for a 2xx, at most 64 KiB of an error answer. `onError`
 * maps a failure while reading (a reset, the idle-body timeout).
 */
export async function readBounded(res: Dispatcher.ResponseData, host: string, maxBytes: number, onError: (error: unknown) => AppError): Promise<Buffer> {
  const status = res.statusCode;
  const ok = status >= 200 && status < 300;
  const limit = ok ? maxBytes : ERROR_BODY_LIMIT;
  const declared = Number(headerValue(res.headers, 'content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit && ok) {
    discard(res.body);
    throw new BadResponse(`${host} sent an answer of ${declared} bytes, more than the ${limit} accepted`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > limit) {
        if (ok) {
          discard(res.body);
          throw new BadResponse(`${host} sent more than the ${limit} bytes accepted for this answer`);
        }
        chunks.push(buf.subarray(0, buf.length - (size - limit)));
        discard(res.body);
        break;
      }
      chunks.push(buf);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw onError(error);
  }
  return Buffer.concat(chunks);
}

/**
 * The response, or the abort reason as soon as `signal` aborts: undici applies an abort only once the request
 * has a connection, so a request still waiting for one (connecting, a slow proxy) would not settle.
 */
export function settleOnAbort(pending: Promise<Dispatcher.ResponseData>, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  const drop = (): void => void pending.then((late) => discard(late.body), () => undefined);
  if (signal.aborted) {
    drop();
    return Promise.reject(signal.reason as Error);
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      drop();
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (res) => {
        signal.removeEventListener('abort', onAbort);
        resolve(res);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

/** Stops reading a body we do not want (its 'error' on destroy is expected, not a crash). */
export function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

