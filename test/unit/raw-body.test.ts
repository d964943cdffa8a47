import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { readRawBody } from '../../src/api/http/raw-body';

describe('readRawBody', () => {
  let server: Server;
  let outcome: Promise<Buffer>;
  let port: number;
  beforeEach(async () => {
    let settle!: (p: Promise<Buffer>) => void;
    outcome = new Promise<Promise<Buffer>>((resolve) => (settle = resolve)).then((p) => p);
    server = createServer((req, res) => {
      const read = readRawBody(req, 64);
      settle(read);
      read.then(
        (body) => res.end(`got ${body.length}`),
        () => res.destroy(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = (head: string, body: string, end: boolean) =>
    new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`POST / HTTP/1.1\r\nHost: x\r\n${head}\r\n${body}`);
        if (!end) setTimeout(() => socket.destroy(), 50);
        else socket.end();
        resolve();
      });
      socket.on('error', reject);
    });

  it('reads the exact bytes', async () => {
    await send('Content-Length: 5\r\n', 'hello', true);
    await expect(outcome).resolves.toEqual(Buffer.from('hello'));
  });

  it('refuses more than the limit, announced or counted', async () => {
    await send('Content-Length: 100\r\n', 'x'.repeat(100), true);
    await expect(outcome).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('refuses more than the limit in chunks that announce no length', async () => {
    const chunk = 'x'.repeat(40);
    await send('Transfer-Encoding: chunked\r\n', `28\r\n${chunk}\r\n28\r\n${chunk}\r\n0\r\n\r\n`, true);
    await expect(outcome).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('gives up, rather than waiting forever, when the client leaves halfway through the body', async () => {
    await send('Content-Length: 50\r\n', '{"half":', false);
    // Node reports the abort ('aborted'); either way the read settles instead of hanging.
    await expect(outcome).rejects.toThrow(/aborted|closed before its body ended/);
  });
});
