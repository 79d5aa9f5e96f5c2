// A registry (or index) reached at a base URL: its origin, to which requests (and credentials) go, and its
// host, as messages name it.
export abstract class AtOrigin {
  readonly origin: string;
  readonly host: string;

  constructor(baseUrl: string) {
    const base = new URL(baseUrl);
    this.origin = base.origin;
    this.host = base.host;
  }
}
