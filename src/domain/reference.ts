// Image references: Docker's grammar (`[domain/]path[:tag][@digest]`) and its normalisation for user input
// (docker.io, library/, :latest). A port of github.com/distribution/reference (reference.go Parse, regexp.go,
// normalize.go ParseNormalizedNamed / ParseDockerRef / ParseAnyReference / FamiliarString) and of
// github.com/opencontainers/go-digest Parse; the error `reason` is the upstream Go error name.
// Differences: sha512 digests are accepted (OCI registers sha256 and sha512; upstream's tests register only sha256);
// the two upstream fmt.Errorf failures of ParseNormalizedNamed get reasons ('ErrNameContainsUppercase' for an
// upper-case remote name, 'other' for a bare 64-hex string); normalisation rejects a name that upstream would
// return without a domain (see normalizeReference).
// The regexps are unambiguous (each repetition starts with a separator), so matching stays linear-time.
import { InvalidReference } from './errors';

export const DOCKER_HUB_DOMAIN = 'docker.io';
const LEGACY_HUB_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
const LOCALHOST = 'localhost';
/** RepositoryNameTotalLengthMax, checked against the path (the domain is not counted). */
export const NAME_TOTAL_LENGTH_MAX = 255;

/** The result of `parseReference`: Docker's Parse, no defaults. Absent parts are omitted. */
export type ParsedReference = { domain?: string; path: string; tag?: string; digest?: string };
/** A repository: where it lives and its path there. */
export type RepositoryRef = { domain: string; path: string };
/** A repository with an optional tag and digest. */
export type TaggedRef = RepositoryRef & { tag?: string; digest?: string };
/** A normalised reference (ParseNormalizedNamed) with its familiar string (FamiliarString). */
export type ImageRef = TaggedRef & { familiar: string };
/** ParseAnyReference: a bare image id or digest, or a named reference. */
export type AnyReference = { kind: 'digest'; digest: string } | { kind: 'named'; ref: ImageRef };

// ---- grammar (regexp.go) ----

const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const ipv6Address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainAndPort = `(?:${domainName}|${ipv6Address})(?::[0-9]+)?`;
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';

/** Groups: 1 name, 2 tag, 3 digest. */
const REFERENCE_RE = new RegExp(`^((?:${domainAndPort}/)?${remoteName})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`);
/** Groups: 1 domain, 2 path. */
const ANCHORED_NAME_RE = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const ANCHORED_IDENTIFIER_RE = /^[a-f0-9]{64}$/;
const IMAGE_ID_RE = /^(?:sha256:[a-f0-9]{64}|[a-f0-9]{12,64})$/;

// ---- digests (go-digest) ----

/** Registered algorithms and the length of their hex encoding. */
const DIGEST_HEX_LENGTH: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha512', 128],
]);
const GO_DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const LOWER_HEX_RE = /^[a-f0-9]+$/;

type Failure = { reason: string; detail: string };
type Parsed = { ok: true; value: ParsedReference } | { ok: false; failure: Failure };

const DIGEST_INVALID_FORMAT: Failure = { reason: 'digest.ErrDigestInvalidFormat', detail: 'invalid checksum digest format' };
const DIGEST_INVALID_LENGTH: Failure = { reason: 'digest.ErrDigestInvalidLength', detail: 'invalid checksum digest length' };
const DIGEST_UNSUPPORTED: Failure = { reason: 'digest.ErrDigestUnsupported', detail: 'unsupported digest algorithm' };
const INVALID_FORMAT: Failure = { reason: 'ErrReferenceInvalidFormat', detail: 'invalid reference format' };
const NAME_EMPTY: Failure = { reason: 'ErrNameEmpty', detail: 'repository name must have at least one component' };
const NAME_UPPERCASE: Failure = { reason: 'ErrNameContainsUppercase', detail: 'repository name must be lowercase' };
const NAME_TOO_LONG: Failure = {
  reason: 'ErrNameTooLong',
  detail: `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`,
};

/** Ours, not distribution's: its grammar takes any digits, and `host:99999` only fails later as a bad URL. */
const PORT_OUT_OF_RANGE: Failure = { reason: 'ErrPortOutOfRange', detail: 'port must be between 1 and 65535' };

function fail(input: string, failure: Failure): never {
  throw new InvalidReference(input, failure.reason, failure.detail);
}

/** go-digest `Digest.Validate`: undefined when `value` is a valid `algorithm:hex` digest. */
function digestFailure(value: string): Failure | undefined {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon + 1 === value.length) return DIGEST_INVALID_FORMAT;
  const hexLength = DIGEST_HEX_LENGTH.get(value.slice(0, colon));
  if (hexLength === undefined) return GO_DIGEST_RE.test(value) ? DIGEST_UNSUPPORTED : DIGEST_INVALID_FORMAT;
  const encoded = value.slice(colon + 1);
  if (encoded.length !== hexLength) return DIGEST_INVALID_LENGTH;
  return LOWER_HEX_RE.test(encoded) ? undefined : DIGEST_INVALID_FORMAT;
}

// ---- Parse (reference.go) ----

/** Adds only the parts that are present (no `undefined` keys). */
function withParts<T extends object>(base: T, tag: string | undefined, digest: string | undefined): T & { tag?: string; digest?: string } {
  return { ...base, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** Splits a matched name into domain and path the way anchoredNameRegexp does. */
function splitName(name: string): { domain?: string; path: string } {
  const match = ANCHORED_NAME_RE.exec(name);
  const domain = match?.[1];
  const path = match?.[2] ?? name;
  return domain ? { domain, path } : { path };
}

/** Why `input` does not match the reference grammar (Parse's choice of error). */
function mismatchFailure(input: string): Failure {
  if (input === '') return NAME_EMPTY;
  return REFERENCE_RE.test(input.toLowerCase()) ? NAME_UPPERCASE : INVALID_FORMAT;
}

/** reference.Parse without throwing. */
function parse(input: string): Parsed {
  const match = REFERENCE_RE.exec(input);
  if (!match) return { ok: false, failure: mismatchFailure(input) };
  const name = splitName(match[1] ?? '');
  if (name.path.length > NAME_TOTAL_LENGTH_MAX) return { ok: false, failure: NAME_TOO_LONG };
  const digest = match[3];
  const digestError = digest ? digestFailure(digest) : undefined;
  if (digestError) return { ok: false, failure: digestError };
  return { ok: true, value: withParts(name, match[2], digest) };
}

/** Docker's `reference.Parse`: the grammar only, no defaults (no docker.io, no library/, no latest). */
export function parseReference(input: string): ParsedReference {
  const result = parse(input);
  return result.ok ? result.value : fail(input, result.failure);
}

// ---- normalisation (normalize.go) ----

/** The first component is a registry when it is localhost, has '.' or ':', or has an upper-case letter. */
function looksLikeDomain(component: string): boolean {
  return component === LOCALHOST || /[.:]/.test(component) || component.toLowerCase() !== component;
}

/** splitDockerDomain: the registry domain and the remainder (path plus tag/digest). */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  const first = name.slice(0, Math.max(slash, 0));
  const explicit = slash !== -1 && looksLikeDomain(first);
  const domain = !explicit ? DOCKER_HUB_DOMAIN : first === LEGACY_HUB_DOMAIN ? DOCKER_HUB_DOMAIN : first;
  const remainder = explicit ? name.slice(slash + 1) : name;
  const official = domain === DOCKER_HUB_DOMAIN && !remainder.includes('/');
  return { domain, remainder: official ? OFFICIAL_REPO_PREFIX + remainder : remainder };
}

/** The familiar repository name: docker.io/ dropped, library/ dropped when one component is left. */
export function familiarName(ref: RepositoryRef): string {
  if (ref.domain !== DOCKER_HUB_DOMAIN) return fullName(ref);
  const official = ref.path.startsWith(OFFICIAL_REPO_PREFIX) ? ref.path.slice(OFFICIAL_REPO_PREFIX.length) : undefined;
  return official !== undefined && !official.includes('/') ? official : ref.path;
}

/** `domain/path`, the canonical repository name. */
export function fullName(ref: RepositoryRef): string {
  return `${ref.domain}/${ref.path}`;
}

function suffix(ref: { tag?: string; digest?: string }): string {
  return (ref.tag ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
}

/** The canonical string `domain/path[:tag][@digest]`. */
export function refString(ref: TaggedRef): string {
  return fullName(ref) + suffix(ref);
}

/** Docker's FamiliarString: the familiar name plus `:tag` and/or `@digest`. */
export function familiarString(ref: TaggedRef): string {
  return familiarName(ref) + suffix(ref);
}

function imageRef(domain: string, path: string, tag: string | undefined, digest: string | undefined): ImageRef {
  const ref = withParts({ domain, path }, tag, digest);
  return { ...ref, familiar: familiarString(ref) };
}

/** The checks ParseNormalizedNamed makes before it parses. */
function normalizeFailure(input: string, remainder: string): Failure | undefined {
  if (ANCHORED_IDENTIFIER_RE.test(input)) {
    return { reason: 'other', detail: `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings` };
  }
  const remote = remainder.split(':', 1)[0] ?? remainder;
  if (remote.toLowerCase() !== remote) {
    return { reason: NAME_UPPERCASE.reason, detail: `invalid reference format: repository name (${remote}) must be lowercase` };
  }
  return undefined;
}

/**
 * Docker's ParseNormalizedNamed: what `docker pull <input>` means. One deliberate difference: upstream accepts a
 * first component with '.' that is not a valid host (`foo_bar.com/app`) and returns a name WITHOUT a domain; an
 * ImageRef always has a registry, so that is rejected here with ErrReferenceInvalidFormat.
 */
export function normalizeReference(input: string): ImageRef {
  const { domain, remainder } = splitDockerDomain(input);
  const early = normalizeFailure(input, remainder);
  if (early) return fail(input, early);
  const result = parse(`${domain}/${remainder}`);
  if (!result.ok) return fail(input, result.failure);
  const parsed = result.value;
  if (parsed.domain !== domain) {
    return fail(input, { reason: INVALID_FORMAT.reason, detail: `invalid reference format: "${domain}" is not a valid registry host` });
  }
  // The grammar (parseReference, kept faithful to distribution's vectors) takes any digits as a port.
  const port = /:([0-9]+)$/.exec(domain)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return fail(input, PORT_OUT_OF_RANGE);
  return imageRef(domain, parsed.path, parsed.tag, parsed.digest);
}

/** Docker's ParseDockerRef: `:latest` when there is neither tag nor digest; a digest wins over a tag. */
export function dockerRef(input: string): ImageRef {
  const ref = normalizeReference(input);
  if (ref.digest) return imageRef(ref.domain, ref.path, undefined, ref.digest);
  return imageRef(ref.domain, ref.path, ref.tag ?? DEFAULT_TAG, undefined);
}

/** True for a full image id (64 hex), `sha256:<64 hex>`, or a short id (12 to 64 lower-case hex). */
export function isImageId(input: string): boolean {
  return IMAGE_ID_RE.test(input);
}

/** Docker's ParseAnyReference: a bare 64-hex id or a valid digest is digest-only; anything else is normalised. */
export function parseAnyReference(input: string): AnyReference {
  if (ANCHORED_IDENTIFIER_RE.test(input)) return { kind: 'digest', digest: `sha256:${input}` };
  if (digestFailure(input) === undefined) return { kind: 'digest', digest: input };
  return { kind: 'named', ref: normalizeReference(input) };
}

/** The full repository name (`docker.io/library/redis`) of a reference, or null when it is not one. */
export function repositoryOf(ref: string): string | null {
  try {
    return fullName(normalizeReference(ref));
  } catch {
    return null;
  }
}
