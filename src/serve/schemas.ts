// Request bodies of `stevedore serve`, as valibot schemas: a body that does not fit is a 400 that names
// the field. Unknown fields are ignored (clients written for the seed send what they send).
import * as v from 'valibot';
import { InvalidInput } from '../domain/errors';
import { sanitizeLine } from '../domain/sanitize';
import { MAX_PASSWORD_LENGTH } from '../store/serveLogin';

const text = (max: number) => v.pipe(v.string(), v.maxLength(max, `at most ${max} characters`));
const name = v.pipe(text(200), v.trim(), v.minLength(1, 'must not be empty'));

/** `POST /api/v1/login` (form fields or JSON). */
export const LoginBody = v.object({ username: text(200), password: text(MAX_PASSWORD_LENGTH) });

/** `POST /api/v1/image/{repository}/{type}/{name}/{tag}/download`: all optional (the seed sends all three). */
export const DownloadBody = v.object({
  description: v.optional(text(10_000), ''),
  location: v.optional(text(2_000), ''),
  icon: v.optional(text(2_000), ''),
});

const version = v.picklist(['v1', 'v2'], 'must be "v1" or "v2"');
const trust = v.boolean('must be true or false');
/** A PEM file of CA certificates on the serve host (`--ca-file`): read and checked by the route. */
const caFile = v.pipe(text(4_096), v.minLength(1, 'must be the path of a PEM file'));

/** `POST /api/v1/registry` with `method: add` (the seed marks method, name, url, enable_trust_cert, version required). */
export const RegistryAddBody = v.object({
  method: v.literal('add'),
  name,
  url: text(2_000),
  enable_trust_cert: trust,
  version,
  username: v.optional(text(200)),
  password: v.optional(text(1024)),
  /** Not in the seed: stevedore's `--ca-file` (a path on the serve host). */
  ca_file: v.optional(caFile),
});

/** `POST /api/v1/registry` with `method: edit`: `oldname` names the registry; the rest are the new values. */
export const RegistryEditBody = v.object({
  method: v.literal('edit'),
  oldname: name,
  name: v.optional(name),
  url: v.optional(text(2_000)),
  enable_trust_cert: v.optional(trust),
  version: v.optional(version),
  username: v.optional(text(200)),
  password: v.optional(text(1024)),
  /** A new CA file, or null to stop using the registry's own CA (`--no-ca-file`). */
  ca_file: v.optional(v.nullable(caFile)),
});

export const RegistryMethod = v.object({ method: v.picklist(['add', 'edit'], 'must be "add" or "edit"') });

/** Docker Cloud: `POST /api/repo/v1/repository/`. */
export const RepositoryAddBody = v.object({ name, username: v.optional(text(200)), password: v.optional(text(1024)) });

/** Docker Cloud: `PATCH /api/repo/v1/repository/{name}/`. */
export const RepositoryUpdateBody = v.object({ username: v.optional(text(200)), password: v.optional(text(1024)) });

const serverName = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be the name of an LXD image server (see `stevedore lxd-server list`)'));

/**
 * The query of `type=lxc` image routes (issue 14b): `server` (or the seed's `registry_name` / `registry`) names
 * the simplestreams server, `platform` an architecture (`arm64`, `linux/arm64`; `all` in remote lists).
 */
export const LxcQuery = v.object({
  server: v.optional(serverName),
  registry_name: v.optional(serverName),
  registry: v.optional(serverName),
  platform: v.optional(v.pipe(v.string(), v.regex(/^(?:[a-z0-9_]+\/)?[a-z0-9_]{1,32}$/i, 'must be an architecture like x86_64, arm64 or linux/arm64'))),
  filter_text: v.optional(text(200)),
});

/** An LXC image's path segments: an alias (`debian/12`) or a fingerprint, and `latest` or a serial (`20250101_00:00`). */
export const LxcImagePath = v.object({
  name: v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*(?:\/[A-Za-z0-9][A-Za-z0-9._+-]*){0,3}$/, 'must be an LXC image alias (like debian/12) or a fingerprint')),
  tag: v.pipe(v.string(), v.regex(/^(?:latest|[0-9]{8}_[0-9]{2}:[0-9]{2}|[A-Za-z0-9][A-Za-z0-9._:-]{0,63})$/, 'must be latest or a serial like 20250101_00:00')),
});

/** The body narrowed by `schema`, or a 400 that names the first field that does not fit. */
export function validate<S extends v.GenericSchema>(schema: S, body: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, body);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  if (!path) throw new InvalidInput('the body must be a JSON object');
  const missing = issue.received === 'undefined';
  throw new InvalidInput(missing ? `field "${path}" is required` : `field "${sanitizeLine(path)}": ${sanitizeLine(issue.message)}`);
}
