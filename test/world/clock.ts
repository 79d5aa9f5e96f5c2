// The real time, for the parts of the world that must agree with the Go daemons (docker-registry, dockerd, LXD)
// whatever this process's clock says: libfaketime moves Date.now() in the test process, but not the kernel's
// file times (node reads them with statx, which libfaketime does not intercept), so a new file tells the time.
import fs from 'node:fs';
import path from 'node:path';

let probes = 0;

/** Now, in ms, on the file system's clock: creates a file in `dir` (a directory of the world), reads its mtime, removes it. */
export function realNowMs(dir: string): number {
  const probe = path.join(dir, `.clock-${process.pid}-${probes++}`);
  fs.writeFileSync(probe, '');
  try {
    return fs.statSync(probe).mtimeMs;
  } finally {
    fs.rmSync(probe, { force: true });
  }
}
