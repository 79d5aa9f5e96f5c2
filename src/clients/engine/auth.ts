// X-Registry-Auth (PROTOCOLS.md §4): base64url (RFC 4648 §5) of the auth JSON, WITH padding — the daemon
// decodes with Go's base64.URLEncoding and rejects unpadded input; Buffer's 'base64url' drops the padding.

export type RegistryAuth =
  | { username: string; password: string; serveraddress: string }
  | { identitytoken: string; serveraddress: string; username?: string };

/** Padded base64url of `JSON.stringify(auth)`. */
export function encodeRegistryAuth(auth: RegistryAuth | Record<string, never>): string {
  return Buffer.from(JSON.stringify(auth), 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}
