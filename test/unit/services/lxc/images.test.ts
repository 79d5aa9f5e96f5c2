// LXC as local images in the app: a host without LXD's socket answers "no LXC images" without loading the LXC
// services at all (the app asks before its first frame); with the socket, they are asked.
import { describe, expect, it } from 'vitest';
import type { EngineServices } from '../../../../src/services/engine/index';
import type { LxcServices } from '../../../../src/services/lxc/index';
import { Unreachable } from '../../../../src/domain/errors';
import type { LocalRepository } from '../../../../src/domain/images';
import { localWithLxc, lxcAsImages } from '../../../../src/services/lxc/images';

const noEngine = async (): Promise<EngineServices> => {
  throw new Error('the engine is not asked');
};

describe('lxcAsImages', () => {
  it('without the socket, lists nothing and never loads the LXC services', async () => {
    let loaded = 0;
    const lxc = lxcAsImages(
      async () => {
        loaded++;
        throw new Error('not to be loaded');
      },
      noEngine,
      () => false,
    );
    expect(await lxc.local()).toEqual([]);
    expect(await lxc.servers()).toEqual([]);
    expect(loaded).toBe(0);
  });

  it('with the socket, asks LXD', async () => {
    let listed = 0;
    const services = {
      client: () => ({ socket: () => '/run/lxd.socket' }),
      listLocal: async () => {
        listed++;
        return [];
      },
    } as unknown as LxcServices;
    const lxc = lxcAsImages(async () => services, noEngine, () => true);
    expect(await lxc.local()).toEqual([]);
    expect(listed).toBe(1);
  });
});

describe('the Local list with LXC images', () => {
  const repo = (name: string): LocalRepository => ({ name, fullName: name, images: [], isLatest: [], inUse: false });

  it('lists both when both answer, and the engine\'s alone when LXD has nothing or fails', async () => {
    const warned: string[] = [];
    const warn = (m: string) => warned.push(m);
    expect(await localWithLxc(Promise.resolve([repo('redis')]), Promise.resolve([repo('lxc-a')]), warn)).toEqual([repo('redis'), repo('lxc-a')]);
    expect(await localWithLxc(Promise.resolve([repo('redis')]), Promise.reject(new Error('LXD is down')), warn)).toEqual([repo('redis')]);
    expect(warned).toEqual([]);
  });

  it('shows the LXC images when the engine cannot be reached, and says why the others are missing', async () => {
    const warned: string[] = [];
    const down = new Unreachable('cannot reach the engine at unix:///run/docker.sock');
    expect(await localWithLxc(Promise.reject(down), Promise.resolve([repo('lxc-a')]), (m) => warned.push(m))).toEqual([repo('lxc-a')]);
    expect(warned).toEqual([`${down.describe()}: the Local list shows the LXC images only`]);
  });

  it("is the engine's error when there is no LXC image to show", async () => {
    const down = new Unreachable('cannot reach the engine at unix:///run/docker.sock');
    await expect(localWithLxc(Promise.reject(down), Promise.resolve([]), () => undefined)).rejects.toBe(down);
    await expect(localWithLxc(Promise.reject(down), Promise.reject(new Error('no LXD')), () => undefined)).rejects.toBe(down);
  });
});
