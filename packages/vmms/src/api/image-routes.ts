import type { FastifyInstance } from 'fastify';
import type { ApiRouteContext } from './api-route-context.js';
import type { ApiRouteSchema } from './api-route-schema.js';
import { errorResponses, imageConversionBody, imageCreationBody, imagePathBody, imagePathQuery, schemaRef } from './api-schemas.js';

const NO_SERVICE = 'Without a disk image service in the host build (a storage plugin), 400 not-supported (32770).';

const create: ApiRouteSchema = {
  operationId: 'createImage',
  summary: 'Create a disk image on the host',
  description: `A job the answer waits for. Nothing may exist at the path (400 invalid-parameter, field path). ${NO_SERVICE}`,
  tags: ['images'],
  operations: ['image.create'],
  body: imageCreationBody,
  response: {
    201: {
      type: 'object',
      properties: { image: schemaRef('ImageInfo'), job: schemaRef('Job') },
      required: ['image', 'job'],
      additionalProperties: false,
    },
    ...errorResponses,
  },
};

const info: ApiRouteSchema = {
  operationId: 'getImageInfo',
  summary: 'Describe a disk image of the host: format, sizes, block size, parent',
  description: `The format is found from the file's content. ${NO_SERVICE}`,
  tags: ['images'],
  operations: ['image.info'],
  querystring: imagePathQuery,
  response: { 200: schemaRef('ImageInfo'), ...errorResponses },
};

const convert: ApiRouteSchema = {
  operationId: 'convertImage',
  summary: 'Convert a disk image into a new one, of another format',
  description:
    'Starts a job whose percentComplete follows the copy (only data is copied: a dynamic destination stays small); ' +
    'cancelling it (DELETE /jobs/{id}) leaves no destination. Describe the result with GET /images/info once the job has ' +
    `completed. ${NO_SERVICE}`,
  tags: ['images'],
  operations: ['image.convert'],
  body: imageConversionBody,
  response: {
    202: { type: 'object', properties: { job: schemaRef('Job') }, required: ['job'], additionalProperties: false },
    ...errorResponses,
  },
};

const check: ApiRouteSchema = {
  operationId: 'checkImage',
  summary: 'Check a disk image of the host: open it, validating its structures, and read it through',
  description: `200 whatever the outcome: ok says whether problems were found. ${NO_SERVICE}`,
  tags: ['images'],
  operations: ['image.check'],
  body: imagePathBody,
  response: { 200: schemaRef('ImageCheckResult'), ...errorResponses },
};

/** Registers `/images`, the host's disk image management, on `app`. */
export function registerImageRoutes(app: FastifyInstance, { vmms, callerOf }: ApiRouteContext): void {
  app.post('/images', { schema: create }, async (request, reply) => reply.code(201).send(await vmms.createImage(callerOf(request), request.body)));
  app.get('/images/info', { schema: info }, (request) => vmms.imageInfo(callerOf(request), request.query));
  app.post('/images/convert', { schema: convert }, async (request, reply) => reply.code(202).send(await vmms.convertImage(callerOf(request), request.body)));
  app.post('/images/check', { schema: check }, (request) => vmms.checkImage(callerOf(request), request.body));
}
