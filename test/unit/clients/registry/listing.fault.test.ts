// Endless and slow lists from real misbehaving servers: a tags list whose every page links to another, the
// same from Docker Hub's tags API, pages that come slowly. A list stops at its entry cap or its deadline,
// says so (`truncated`) through every surface (the CLI's --json and table, serve's answers), and the CLI prints
// 100,000 rows without overflowing the stack.
import { afterEach, describe, expect, it } from 'vitest';
import { createRoutes, type Handler } from '../../../../src/serve/routes';
import type { AppServices } from '../../../../src/services/index';
import { remoteList, remoteListJson, tagList, tagsJson, tagsLines } from '../../../../src/views/remote';
import { Authenticator, RegistryV2Client, Transport } from '../../../../src/clients/registry/index';
import { DockerHubClient } from '../../../../src/clients/registry/hub';
import { MAX_LIST_ENTRIES } from '../../../../src/clients/registry/listing';
import { createRemoteServices } from '../../../../src/services/remote/index';
import { testDeps } from '../../../fixtures/remote/deps';
import { endlessTags, type TestServer } from '../../../fixtures/remote/servers';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const open = async (...args: Parameters<typeof endlessTags>) => {
  const s = await endlessTags(...args);
  servers.push(s);
  return s;
};

// The endless lists below test the entry and page caps: their listing deadline (the transport's) is made long enough
// that a loaded machine never meets it first (the default, 12 s, was met now and then at ~60,000 entries).
const v2 = (s: TestServer, transport = new Transport({ timeoutMs: 5_000, deadlineMs: 300_000 })) =>
  new RegistryV2Client({ baseUrl: s.url, transport, auth: new Authenticator(transport), credential: async () => undefined });

describe('endless and slow lists', () => {
  it('a tags list whose every page links to a new one stops at the entry cap and says so', async () => {
    const s = await open();
    const listing = await v2(s).tagsListing('team/app');
    // Stopped by the entry cap (not by the listing deadline, which would say so): exactly 100 pages asked.
    expect(listing.items).toHaveLength(MAX_LIST_ENTRIES);
    expect(listing.truncated).toBe(`the tags of ${s.host}/team/app: stopped at 100,000 entries (the most stevedore lists)`);
    expect(s.requests.length).toBe(MAX_LIST_ENTRIES / 1000);
  });

  it('a list that ends is whole (not truncated)', async () => {
    const s = await open({ pages: 3 });
    const listing = await v2(s).tagsListing('team/app');
    expect(listing).toMatchObject({ truncated: null });
    expect(listing.items).toHaveLength(3000);
  });

  it('slow pages stop at the listing deadline with what came so far, truncated', async () => {
    const s = await open({ delayMs: 150, pageSize: 10 });
    const transport = new Transport({ timeoutMs: 2_000, deadlineMs: 1_000 });
    const listing = await v2(s, transport).tagsListing('team/app');
    // The pages never end: what stopped it is the 1 s listing deadline, as the truncation says, long before the
    // 10,000 pages (25 min) of the entry cap.
    expect(listing.items.length).toBeGreaterThan(0);
    expect(listing.truncated).toMatch(/: stopped after 1 s \(the listing deadline\), \d+ so far$/);
    expect(s.requests.length).toBeLessThan(MAX_LIST_ENTRIES / 10);
  });

  it("Docker Hub's tags API with an endless `next` stops at the cap and says so", async () => {
    const s = await open({ hub: true, pageSize: 100 });
    const hub = new DockerHubClient({ baseUrl: s.url, transport: new Transport({ timeoutMs: 5_000, deadlineMs: 300_000 }) });
    const listing = await hub.tagsListing('library', 'redis');
    expect(listing.items).toHaveLength(MAX_LIST_ENTRIES);
    // 1,000 pages of 100: the page cap and the entry cap meet.
    expect(listing.truncated).toMatch(/^the tags of library\/redis on Docker Hub: stopped (at 100,000 entries \(the most stevedore lists\)|after 1,000 pages \(the most stevedore follows\))$/);
  });

  it('`image tags` of an endless list: "truncated": true and a warning in --json and over serve; 100,000 rows in the table', async () => {
    const s = await open({ pageSize: 10_000 });
    const t = testDeps();
    t.addRegistry('lab', s.url);
    const remote = createRemoteServices(t.deps);
    const warning = `the tags of ${s.host}/team/app: stopped at 100,000 entries (the most stevedore lists)`;

    const list = await tagList({ remote: async () => remote }, 'team/app', { registry: 'lab' });
    const json = tagsJson(list) as { tags: string[]; truncated: boolean; warnings: string[] };
    expect(json.truncated).toBe(true);
    expect(json.tags).toHaveLength(MAX_LIST_ENTRIES);
    expect(json.warnings).toEqual([warning]);
    // Human mode: a table of 100,000+ rows (Math.max(...cells) overflowed the stack at ~125,000).
    expect(tagsLines(list)).toHaveLength(MAX_LIST_ENTRIES + 1);

    // serve: the same object (issue 24, item 4: the flag and the warning were lost there).
    const served = (await route(remote, 'GET', ['api', 'v1', 'image', 'team', 'app', 'tags'], 'registry=lab')) as typeof json;
    expect(served.truncated).toBe(true);
    expect(served.warnings).toEqual([warning]);
    expect(served.tags).toHaveLength(MAX_LIST_ENTRIES);
  });

  it('a private depot whose catalog never ends: "truncated": true and the warning, in --json and over serve', async () => {
    const s = await open({ pageSize: 10_000 });
    const t = testDeps();
    t.addRegistry('lab', s.url);
    const remote = createRemoteServices(t.deps);
    const model = await remoteList({ remote: async () => remote }, { category: 'private', registry: 'lab', filter: '', type: '' });
    const json = remoteListJson(model) as { results: unknown[]; truncated: boolean; warnings: string[] };
    expect(json.truncated).toBe(true);
    expect(json.results).toHaveLength(MAX_LIST_ENTRIES);
    expect(json.warnings[0]).toBe(`the repository list of ${s.host}: stopped at 100,000 entries (the most stevedore lists)`);
    const served = (await route(remote, 'GET', ['api', 'v1', 'image', ''], 'category=private&registry_name=lab')) as typeof json;
    expect(served).toMatchObject({ truncated: true, warnings: json.warnings });
    expect(served.results).toHaveLength(MAX_LIST_ENTRIES);
  });
});

/** One serve route over these remote services, as the server calls it. */
async function route(remote: ReturnType<typeof createRemoteServices>, method: string, segments: string[], query: string): Promise<unknown> {
  const services = { remote: async () => remote, engine: async () => ({ downloadingIndex: async () => new Set() }) } as unknown as AppServices;
  const routes = createRoutes({ services, notes: { all: () => new Map(), set: () => undefined } }, () => Date.now());
  const matched = routes.match(method, segments);
  if (!matched || !('handler' in matched)) throw new Error(`no route for ${segments.join('/')}`);
  const handler: Handler = matched.handler;
  const reply = await handler({ method, segments, query: new URLSearchParams(query), json: async () => ({}) });
  routes.close();
  return reply.body;
}
