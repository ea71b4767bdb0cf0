import type { FastifyInstance } from 'fastify';
import type { ApiRouteContext } from './api-route-context.js';
import type { ApiRouteSchema } from './api-route-schema.js';
import { errorResponses, textResponse } from './api-schemas.js';
import { formatPrometheusText, PROMETHEUS_CONTENT_TYPE } from './prometheus-exposition.js';
import { vmmsMetrics } from './vmms-metrics.js';

const metrics: ApiRouteSchema = {
  operationId: 'getMetrics',
  summary: 'Metrics in the Prometheus text format 0.0.4',
  description:
    'Per VM (labels vm, vm_id): tsvisor_vm_enabled_state, tsvisor_vm_health_state, tsvisor_vm_heartbeat_status, ' +
    'tsvisor_vm_uptime_seconds, tsvisor_vm_processor_load_percent, tsvisor_vm_memory_usage_bytes; per device counter ' +
    'tsvisor_device_counter (labels vm, vm_id, device, class, counter); tsvisor_jobs by state.',
  tags: ['metrics'],
  operations: ['vm.list', 'vm.get', 'job.list'],
  response: { 200: textResponse('The metrics', 'text/plain'), ...errorResponses },
};

/** Registers `GET /metrics` on `app`. */
export function registerMetricsRoutes(app: FastifyInstance, { vmms, callerOf }: ApiRouteContext): void {
  app.get('/metrics', { schema: metrics }, async (request, reply) =>
    reply.type(PROMETHEUS_CONTENT_TYPE).send(formatPrometheusText(await vmmsMetrics(vmms, callerOf(request)))),
  );
}
