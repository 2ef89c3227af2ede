import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP status to answer with, or 'hang' to leave the request unanswered until the receiver stops. */
export type ReceiverAnswer = number | 'hang';

export interface WebhookReceiver {
  /** Includes a secret-looking path, as Slack webhook URLs do. */
  url: string;
  secretPath: string;
  requests: ReceivedRequest[];
  /** Resolves once `count` requests have arrived. */
  received: (count: number) => Promise<ReceivedRequest[]>;
  stop(): Promise<void>;
}

/** A local webhook receiver over real HTTP; `answer` picks the reply to the n-th request (0-based). */
export async function startWebhookReceiver(answer: (index: number) => ReceiverAnswer = () => 200): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: { count: number; resolve: (requests: ReceivedRequest[]) => void }[] = [];
  const hanging: ServerResponse[] = [];
  const record = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const index = requests.push({
      method: request.method!,
      path: request.url!,
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    }) - 1;
    for (const waiter of waiters.filter((entry) => entry.count <= requests.length)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(requests);
    }
    const reply = answer(index);
    if (reply === 'hang') hanging.push(response);
    // Echoes the path on failure as some servers do (Express: "Cannot POST /…"), to prove it is not logged.
    else response.writeHead(reply, { 'Content-Type': 'text/plain' }).end(reply < 300 ? 'ok' : `Cannot POST ${request.url}`);
  };
  const server = createServer((request, response) => void record(request, response));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const secretPath = '/services/T0000/B0000/s3cr3t-t0k3n';
  return {
    url: `http://127.0.0.1:${port}${secretPath}`,
    secretPath,
    requests,
    received(count) {
      if (requests.length >= count) return Promise.resolve(requests);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async stop() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
