// Types of node-binaries.mjs, for the tests that use it (test/integration/package/).
export const CACHE: string;
export const SINGLE_FILE_NODE: string;
export const NODE_22: string;
export function nodeBinary(version: string, arch: 'x64' | 'arm64', say?: (message: string) => void): string;
