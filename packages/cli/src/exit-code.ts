import { CommanderError } from 'commander';
import { DaemonUnreachableError } from './client/daemon-unreachable-error.js';
import { InterruptedError } from './client/interrupted-error.js';
import { InvalidDaemonAddressError } from './client/invalid-daemon-address-error.js';
import { ManagementApiError } from './client/management-api-error.js';
import { JobFailedError } from './jobs/job-failed-error.js';

/** The exit codes of `tsvisor`, for scripts: listed in its `--help` and README. */
export const ExitCode = {
  Success: 0,
  /** The operation failed: its job ended in Exception (or was cancelled), the daemon had an internal error, or `disk check` found problems. */
  OperationFailed: 1,
  /** The command line is wrong, or the API refused a value (400, naming the field). */
  Usage: 2,
  /** The daemon cannot be reached: no socket, connection refused, no answer. */
  DaemonUnreachable: 3,
  /** No such VM, job, device, virtual switch or route (404). */
  NotFound: 4,
  /** Not authenticated, or the caller's role does not allow it (401, 403). */
  AccessDenied: 5,
  /** Not in this state: e.g. pausing a VM that is off, a state change already under way, a switch in use or a name taken (409). */
  InvalidState: 6,
  /** Interrupted (SIGINT, SIGTERM) while waiting for the daemon, the shell's 128 + 2. */
  Interrupted: 130,
} as const;

/** One of the {@link ExitCode}s. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code `tsvisor` ends with when a command throws `error`. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Success : ExitCode.Usage;
  if (error instanceof InvalidDaemonAddressError) return ExitCode.Usage;
  if (error instanceof DaemonUnreachableError) return ExitCode.DaemonUnreachable;
  if (error instanceof InterruptedError) return ExitCode.Interrupted;
  if (error instanceof JobFailedError) return ExitCode.OperationFailed;
  if (error instanceof ManagementApiError) {
    if (error.status === 400) return ExitCode.Usage;
    if (error.status === 401 || error.status === 403) return ExitCode.AccessDenied;
    if (error.status === 404) return ExitCode.NotFound;
    if (error.status === 409) return ExitCode.InvalidState;
  }
  return ExitCode.OperationFailed;
}

/** The exit codes as the end of `tsvisor --help` lists them. */
export const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    the operation failed (its job ended in Exception or was cancelled; daemon error 5xx;
       disk check found problems)
  2    usage error (bad arguments, or a value the API refused, naming the field)
  3    cannot reach the daemon
  4    not found (VM, job, device, virtual switch)
  5    access denied or not authenticated
  6    invalid state for the operation (e.g. pausing a VM that is off, deleting a switch
       VMs are connected to, a switch name already taken)
  130  interrupted while waiting (the job goes on in the daemon)
`;
