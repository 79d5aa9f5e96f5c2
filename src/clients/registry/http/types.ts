// The HTTP vocabulary of the registry transport: requests, answers, header access, origins.
export type HeaderMap = Record<string, string | string[] | undefined>;

export interface HttpResponse {
  status: number;
  headers: HeaderMap;
  /** The URL that answered (after redirects). */
  url: string;
  body: Buffer;
}

export interface HttpRequest {
  url: string | URL;
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Sent only to the origin of `url`; dropped when a redirect leads elsewhere. */
  authorization?: string;
  signal?: AbortSignal | undefined;
  /** Largest body accepted (bytes). Default 4 MiB. */
  maxBytes?: number;
  /** Follow 3xx (default true). */
  followRedirects?: boolean;
  /** Retry on 5xx / 429 / dropped connections (default: true for GET and HEAD). */
  retry?: boolean;
}

export function originOf(url: string): string {
  return new URL(url).origin;
}

/** First value of a header. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Every value of a header (several WWW-Authenticate headers, for example). */
export function headerValues(headers: HeaderMap, name: string): string[] {
  const v = headers[name.toLowerCase()];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}
