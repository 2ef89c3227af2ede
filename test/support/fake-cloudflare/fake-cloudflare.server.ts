import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { IncomingRequest, Outcome } from './exchange-pipeline.js';

export type RequestHandler = (incoming: IncomingRequest) => Promise<Outcome>;

/** The HTTP side of the fake: node:http on 127.0.0.1, executing whatever outcome the pipeline decides. */
export class FakeHttpServer {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async listen(handler: RequestHandler): Promise<FakeHttpServer> {
    const server = createServer((req, res) => {
      void serve(req, res, handler);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return new FakeHttpServer(server, `http://127.0.0.1:${port}`);
  }

  /** Closes the server and destroys every open socket, including those held by a 'timeout' fault. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await closed;
  }
}

async function serve(req: IncomingMessage, res: ServerResponse, handler: RequestHandler): Promise<void> {
  try {
    const rawBody = await readBody(req);
    const outcome = await handler({
      method: (req.method ?? 'GET').toUpperCase(),
      url: new URL(req.url ?? '/', 'http://127.0.0.1'),
      headers: req.headers,
      rawBody,
    });
    if (outcome.kind === 'reset') req.socket.destroy();
    else if (outcome.kind === 'send') {
      res.writeHead(outcome.status, outcome.headers);
      res.end(outcome.body);
    }
    // 'hold': never answer; the socket stays open until the client gives up or the server closes.
  } catch (error) {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`fake cloudflare crashed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
