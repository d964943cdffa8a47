/**
 * HTTP_REQUEST bodies (browser sensors). The frequent network events (DNS, connections) are
 * written by events/writers.ts.
 */
import type { Proc } from '../sim/state';
import { q } from './json';

export function httpBody(p: Proc, url: string, ip: string, time: number): string {
  return `{"URL":${q(url)},"METHOD":"GET","IP_ADDRESS":"${ip}","PROCESS_ID":${p.pid},"TIMESTAMP":${time}}`;
}
