import type { AppServices } from '../services/index';
import type { Io, Warnings } from './output';

/** What every command gets from the composition root. */
export interface CommandContext {
  io: Io;
  services: AppServices;
  warnings: Warnings;
  /** True when --json was given (known before parsing, so warnings are routed right from the start). */
  json: boolean;
  /** Sets the exit code of the run. */
  setExitCode(code: number): void;
}
