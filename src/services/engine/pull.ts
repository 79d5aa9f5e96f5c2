// One pull as the worker runs it: credentials resolved in the worker (same user, same settings, so no
// secret crosses the socket) and sent as padded base64url X-Registry-Auth; always a tag (or digest), never
// "all tags"; the platform when one was asked for; every event checked for error/errorDetail.
import { parsePullEvent } from '../../domain/progress';
import { familiarName } from '../../domain/reference';
import { type EngineClient, encodeRegistryAuth, type RegistryAuth } from '../../clients/engine/index';
import type { Credential, CredentialQuery } from '../../store/credentials';
import type { PullRunner } from '../downloads/manager';

export interface CredentialSource {
  resolve(query: CredentialQuery): Promise<Credential | undefined>;
}

/** The key docker uses for Docker Hub credentials (serveraddress). */
const HUB_SERVER = 'https://index.docker.io/v1/';

/** A pull failure reported inside the 200 stream. */
export class PullStreamError extends Error {
  override name = 'PullStreamError';
}

export function authFor(credential: Credential, host: string): RegistryAuth {
  const serveraddress = host === 'docker.io' ? HUB_SERVER : host;
  if (credential.kind === 'identitytoken') {
    return { identitytoken: credential.token, serveraddress, ...(credential.username ? { username: credential.username } : {}) };
  }
  return { username: credential.username, password: credential.password, serveraddress };
}

export function enginePullRunner(client: () => Promise<EngineClient>, credentials: CredentialSource): PullRunner {
  return async (job, onEvent, signal) => {
    const { ref } = job;
    const credential = await credentials.resolve({ host: ref.domain, repository: ref.path });
    const engine = await client();
    const lines = await engine.pull(
      {
        fromImage: familiarName(ref),
        tag: ref.digest ?? ref.tag ?? 'latest',
        ...(job.platform ? { platform: job.platform } : {}),
        ...(credential ? { registryAuth: encodeRegistryAuth(authFor(credential, ref.domain)) } : {}),
      },
      signal,
    );
    for await (const raw of lines) {
      const event = parsePullEvent(raw);
      if (!event) continue;
      onEvent(event);
      if (event.error) throw new PullStreamError(event.error);
    }
  };
}
