/** The options of Node's permission model a thread must be given to stay under it. */
const PERMISSION_FLAGS = ['--experimental-permission', '--permission', '--allow-fs-read', '--allow-fs-write', '--allow-child-process', '--allow-worker', '--allow-addons', '--allow-wasi'];

/**
 * The permission-model options among `execArgv` (the process's own by default). A worker thread
 * started with an `execArgv` of its own runs outside the permission model unless that list repeats
 * them (Node 20): a VP thread of a worker process passes them on, so that it stays as confined as
 * its process.
 */
export function permissionFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return execArgv.filter((arg) => PERMISSION_FLAGS.some((flag) => arg === flag || arg.startsWith(`${flag}=`)));
}
