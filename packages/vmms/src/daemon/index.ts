export { startVmmsDaemon, type VmmsDaemon, type VmmsDaemonOptions, type WorkerMode } from './vmms-daemon.js';
