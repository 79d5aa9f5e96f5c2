// The content every test run starts with. Everything goes into registries; the engine is left EMPTY
// (tests decide what is local): the one image docker build leaves behind is removed after its push.
import { EVIL_DESCRIPTION } from './hub-data.js';
import { buildAndPush, removeAllImages } from './engine.js';
import { makeLayer, pushImage, pushIndex, putTags } from './images.js';
import type { Platform, RegistryInfo, WorldInfo } from './types.js';

export interface SeedResult {
  seeded: Record<string, string>;
  digests: Record<string, string>;
}

type Entry = [name: string, ref: string, digest: string];

const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const ARM64: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };
export const MANY_TAGS = 2_100;
const manyTag = (i: number): string => `tag-${String(i).padStart(4, '0')}`;

export async function seed(info: WorldInfo): Promise<SeedResult> {
  const r = info.registries;
  const groups = await Promise.all([seedPlain(info, r.plain), seedTls(r.tls), seedToken(r.token), seedHub(r.hub), seedServeExamples(r.hub)]);
  await removeAllImages(info);
  const entries = groups.flat();
  return {
    seeded: Object.fromEntries(entries.map(([name, ref]) => [name, ref])),
    digests: Object.fromEntries(entries.map(([name, , digest]) => [name, digest])),
  };
}

async function seedPlain(info: WorldInfo, reg: RegistryInfo): Promise<Entry[]> {
  const at = (repoTag: string): string => `${reg.host}/${repoTag}`;
  const small = makeLayer(4_096);
  const [multi, many, multiarch, ...abc] = await Promise.all([
    buildMulti(info, at('team/multi:1.0')),
    pushImage(reg, 'team/many', manyTag(0), { layers: [small], config: { Cmd: ['/data/layer-0.bin'] } }).then(async (p) => {
      await putTags(reg, 'team/many', manyTag(0), Array.from({ length: MANY_TAGS - 1 }, (_, i) => manyTag(i + 1)));
      return p.digest;
    }),
    pushIndex(reg, 'team/multiarch', '1.0', {
      platforms: [
        { platform: AMD64, image: { layers: [120_000, 40_000], config: { Cmd: ['/app'], Labels: { 'org.opencontainers.image.title': 'multiarch' } } } },
        { platform: ARM64, image: { layers: [110_000, 30_000], config: { Cmd: ['/app'], Labels: { 'org.opencontainers.image.title': 'multiarch' } } } },
      ],
      attestation: true,
    }).then((p) => p.digest),
    ...['team/alpha', 'team/beta', 'other/gamma'].map((repo) => pushImage(reg, repo, '1.0', { layers: [small, 2_048] }).then((p) => p.digest)),
  ]);
  return [
    ['multi', at('team/multi:1.0'), multi],
    ['many', at(`team/many:${manyTag(0)}`), many],
    ['multiarch', at('team/multiarch:1.0'), multiarch],
    ...['team/alpha', 'team/beta', 'other/gamma'].map((repo, i): Entry => [repo.split('/')[1] ?? repo, at(`${repo}:1.0`), abc[i] ?? '']),
  ];
}

/** team/multi is built by the engine itself (classic builder), so its config looks like a real build's. */
function buildMulti(info: WorldInfo, ref: string): Promise<string> {
  return buildAndPush(info, ref, {
    layers: [700_000, 400_000, 300_000, 100_000],
    labels: { 'org.opencontainers.image.title': 'multi', 'org.opencontainers.image.version': '1.0', maintainer: 'stevedore tests' },
    env: { APP_MODE: 'test', PATH: '/usr/local/bin:/usr/bin:/bin' },
    expose: ['8080/tcp', '9090/udp'],
    workdir: '/data',
    user: '1000:1000',
    entrypoint: ['/data/layer-0.bin'],
    cmd: ['--serve'],
  });
}

async function seedTls(reg: RegistryInfo): Promise<Entry[]> {
  const p = await pushImage(reg, 'secure/app', '1.0', { layers: [200_000, 100_000], config: { Cmd: ['/app'], Labels: { tier: 'secure' } } });
  return [['secure', `${reg.host}/secure/app:1.0`, p.digest]];
}

async function seedToken(reg: RegistryInfo): Promise<Entry[]> {
  const [priv, pub] = await Promise.all([
    pushImage(reg, 'private/app', '1.0', { layers: [150_000, 50_000], config: { Cmd: ['/app'] } }),
    pushImage(reg, 'public/hello', '1.0', { layers: [20_000], config: { Cmd: ['/hello'] } }),
  ]);
  return [
    ['private', `${reg.host}/private/app:1.0`, priv.digest],
    ['public', `${reg.host}/public/hello:1.0`, pub.digest],
  ];
}

/** Docker Hub's content, pulled by dockerd through --registry-mirror and described by the Hub stand-in. */
async function seedHub(reg: RegistryInfo): Promise<Entry[]> {
  const alpineLayers = [makeLayer(600_000, 0), makeLayer(300_000, 1), makeLayer(100_000, 2)];
  const alpineConfig = { Cmd: ['/bin/sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] };
  const [a319, a320, redis, evil, diun, hello] = await Promise.all([
    pushImage(reg, 'library/alpine', '3.19', { layers: alpineLayers, config: alpineConfig, created: '2024-01-27T00:00:00Z' }),
    pushImage(reg, 'library/alpine', '3.20', { layers: alpineLayers, config: alpineConfig, created: '2024-05-22T00:00:00Z' }),
    pushIndex(reg, 'library/redis', '7', {
      platforms: [
        { platform: AMD64, image: { layers: [150_000, 60_000], config: { Cmd: ['redis-server'], ExposedPorts: { '6379/tcp': {} } }, created: '2024-06-01T00:00:00Z' } },
        { platform: ARM64, image: { layers: [140_000, 50_000], config: { Cmd: ['redis-server'], ExposedPorts: { '6379/tcp': {} } }, created: '2024-06-01T00:00:00Z' } },
      ],
      attestation: true,
    }),
    pushImage(reg, 'library/evil', 'latest', { layers: [1_024], config: { Labels: { 'org.opencontainers.image.description': EVIL_DESCRIPTION } } }),
    pushIndex(reg, 'crazymax/diun', 'latest', {
      format: 'docker',
      platforms: [
        { platform: AMD64, image: { layers: [80_000], config: { Entrypoint: ['diun'], Cmd: ['serve'] }, created: '2022-12-29T11:25:42Z' } },
        { platform: ARM64, image: { layers: [75_000], config: { Entrypoint: ['diun'], Cmd: ['serve'] }, created: '2022-12-29T11:25:42Z' } },
      ],
    }),
    pushImage(reg, 'library/hello-world', 'latest', {
      layers: [{ files: [{ path: 'hello', content: 'Hello from the stevedore test world!\n', mode: 0o755 }, { path: 'data/padding.bin', size: 12_000 }] }],
      config: { Cmd: ['/hello'] },
      created: '2023-05-02T16:49:27Z',
    }),
  ]);
  await putTags(reg, 'library/alpine', '3.20', ['latest']);
  return [
    ['alpine', 'alpine:3.19', a319.digest],
    ['alpine320', 'alpine:3.20', a320.digest],
    ['alpineLatest', 'alpine:latest', a320.digest],
    ['redis', 'redis:7', redis.digest],
    ['evil', 'evil:latest', evil.digest],
    ['diun', 'crazymax/diun:latest', diun.digest],
    ['helloWorld', 'hello-world:latest', hello.digest],
  ];
}

/**
 * The images the Container Station seed's curl examples name (`stevedore serve` runs them unchanged):
 * ubuntu and nginx (official), lgsd/diamond (the download example) and a dorowu/ repository
 * (the Docker Hub search example). Tiny single-layer images.
 */
async function seedServeExamples(reg: RegistryInfo): Promise<Entry[]> {
  const image = (cmd: string) => ({ layers: [2_048], config: { Cmd: [cmd] }, created: '2024-03-01T00:00:00Z' });
  const [ubuntu, nginx, diamond, dorowu] = await Promise.all([
    pushImage(reg, 'library/ubuntu', 'latest', image('/bin/bash')),
    pushImage(reg, 'library/nginx', '1.27', image('nginx')),
    pushImage(reg, 'lgsd/diamond', 'latest', image('diamond')),
    pushImage(reg, 'dorowu/ubuntu-desktop-lxde-vnc', 'latest', image('/startup.sh')),
  ]);
  await putTags(reg, 'library/nginx', '1.27', ['latest', '1.26']);
  return [
    ['ubuntu', 'ubuntu:latest', ubuntu.digest],
    ['nginx', 'nginx:latest', nginx.digest],
    ['diamond', 'lgsd/diamond:latest', diamond.digest],
    ['dorowu', 'dorowu/ubuntu-desktop-lxde-vnc:latest', dorowu.digest],
  ];
}
