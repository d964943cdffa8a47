/** `atomgraph serve`: migrate the schema, then serve the API until SIGINT/SIGTERM. */
import { startServer } from '../api/server';
import type { ConfigInput } from '../config/env';
import { migrate } from '../graph/schema/migrate';
import { createRuntime } from '../runtime';

export interface ServeOptions {
  host?: string;
  port?: string;
}

/** `settings` are fixed by the caller (the demo serves without auth on loopback). */
export async function serveCommand(options: ServeOptions, settings: ConfigInput = {}): Promise<void> {
  const runtime = await createRuntime({
    overrides: { ...settings, HOST: options.host, PORT: options.port },
    startLocalNeo4jIfUnset: true,
  });
  const { config, logger } = runtime;
  await migrate(runtime.executor);
  const server = await startServer(
    { config, executor: runtime.executor, logger },
    { host: config.HOST, port: config.PORT },
  );
  logger.info({ url: server.url, neo4j: runtime.uri }, 'atomgraph is serving');
  process.stdout.write(`atomgraph serving GraphQL at ${server.url}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    await server.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
