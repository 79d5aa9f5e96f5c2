// Engine failures as typed errors with hints: image not found in the seed's words, pull failures with the
// engine's own message plus what to do (a registry certificate the engine does not trust, an http registry
// that is not in insecure-registries, credentials, rate limits).
import { AppError, BadResponse, InvalidInput, NotFound, RateLimited, Unauthorized, Unreachable, UntrustedCertificate, isAppError } from '../../domain/errors';
import { sanitizeLine } from '../../domain/sanitize';
import { EngineRequestError } from '../../clients/engine/index';

export function imageNotFound(name: string): NotFound {
  // Exactly the seed's words (no hint), so `--json` gives {"code": 404, "message": "Image not found: NAME"}.
  return new NotFound(`Image not found: ${sanitizeLine(name)}`);
}

/**
 * A failed pull (HTTP error before the stream, or an in-band error/errorDetail after the 200) as a typed error.
 * `host` is the registry (`host:port`) the reference names.
 */
export function pullError(error: unknown, host: string): AppError {
  if (isAppError(error)) return error;
  const status = error instanceof EngineRequestError ? error.statusCode : null;
  const message = sanitizeLine(error instanceof Error ? error.message : String(error)) || 'the pull failed';
  if (/x509:|certificate signed by unknown authority|certificate is not valid|tls: failed to verify/i.test(message)) {
    return new UntrustedCertificate(message, {
      hint: `the engine does not trust ${host}'s certificate: put its CA in /etc/docker/certs.d/${host}/ca.crt on the engine's host`,
    });
  }
  if (/server gave HTTP response to HTTPS client/i.test(message)) {
    return new BadResponse(message, {
      hint: `${host} speaks plain http: add "${host}" to "insecure-registries" in /etc/docker/daemon.json and restart dockerd`,
    });
  }
  if (/toomanyrequests|rate limit/i.test(message)) return new RateLimited(message);
  if (/unauthorized|authentication required|no basic auth credentials|incorrect username or password/i.test(message)) {
    return new Unauthorized(message, { hint: `check the credentials for ${host} (\`stevedore registry edit\`, \`stevedore repo update\` or \`docker login ${host}\`)` });
  }
  if (status === 404 || /manifest unknown|not found|does not exist|pull access denied/i.test(message)) return new NotFound(message);
  if (status === 400 || /invalid reference format|invalid platform|no matching manifest/i.test(message)) {
    return /no matching manifest/i.test(message) ? new NotFound(message, { hint: 'try another --platform' }) : new InvalidInput(message);
  }
  if (/connection refused|no such host|i\/o timeout|dial tcp|network is unreachable|TLS handshake timeout/i.test(message)) {
    return new Unreachable(message, { hint: `is ${host} reachable from the engine's host?` });
  }
  return new BadResponse(message);
}

/** Any other engine HTTP error as a typed error carrying the engine's message. */
export function engineFailure(error: unknown): unknown {
  if (!(error instanceof EngineRequestError)) return error;
  const message = `the engine answered ${error.statusCode}: ${error.message}`;
  switch (error.statusCode) {
    case 400:
      return new InvalidInput(error.message);
    case 401:
      return new Unauthorized(error.message);
    case 404:
      return new NotFound(error.message);
    case 409:
      return new AppError(409, error.message);
    default:
      return new BadResponse(message);
  }
}
