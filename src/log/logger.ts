/** Structured logs (pino). Secrets are redacted by path so a careless log call cannot leak them. */
import pino from 'pino';

export type Logger = pino.Logger;

export const REDACT_PATHS = [
  'password',
  '*.password',
  'NEO4J_PASSWORD',
  '*.NEO4J_PASSWORD',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["lc-signature"]',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '***' } }, destination);
}
