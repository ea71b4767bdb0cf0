/**
 * `@tsvisor/vmms/state`: the management model's codes and state rules (PROTOCOLS.md §6) on their
 * own, without the service, the API or the daemon — for clients such as the CLI, which load them
 * on every command.
 * @packageDocumentation
 */
export { EnabledState, isStableEnabledState } from './enabled-state.js';
export { RequestedState, isRequestedState } from './requested-state.js';
export { ReturnCode } from './return-code.js';
export { HealthState } from './health-state.js';
export { HeartbeatStatus } from './heartbeat-status.js';
export { JobState, isFinishedJobState } from './job-state.js';
export { stateChangePlan, returnCodeOfPlan, type StateChangePlan, type StateTransition } from './state-change-plan.js';
