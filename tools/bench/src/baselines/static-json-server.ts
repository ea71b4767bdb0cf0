import { createServer, type Server } from 'node:http';

/**
 * The baseline of the management API's request rate: a bare `node:http` server on a Unix socket
 * answering every request with the same JSON bytes, no routing, no validation, no serialization.
 */
export async function serveStaticJson(socketPath: string, body: Buffer): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    response.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  return server;
}
