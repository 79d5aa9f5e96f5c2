// LXC as local images in the app: a host without LXD's socket answers "no LXC images" without loading the LXC
// services at all (the app asks before its first frame); with the socket, they are asked.
import { describe, expect, it } from 'vitest';
import type { EngineServices } from '../../../../src/services/engine/index';
import type { LxcServices } from '../../../../src/services/lxc/index';
import { lxcAsImages } from '../../../../src/services/lxc/images';

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
