/**
 * A wide process tree on one host, as LimaCharlie JSON lines: a root, `children` children with
 * `grandchildren` children each, and `deep` great-grandchildren under the first grandchild; every
 * process with two DNS requests (activity badges). The benchmark's tree (40 x 50 + 20) and the
 * explorer's fetch-ahead test's (smaller) come from here; the atoms come back as the truth.
 */
import { randomUUID } from 'node:crypto';

export interface ProcessTree {
  lines: string[];
  root: string;
  /** Each child's atom, with its children's atoms, in the order they started. */
  children: { atom: string; children: string[] }[];
  processes: number;
}

const hex = () => randomUUID().replace(/-/g, '');

export function processTreeLines(org: string, sid: string, shape: { children: number; grandchildren: number; deep: number }): ProcessTree {
  const lines: string[] = [];
  let time = Date.UTC(2024, 5, 1, 9);
  let pid = 1000;
  const routing = (type: string, atom: string, parent: string | null) => ({
    oid: org,
    sid,
    hostname: 'BENCH-TREE-01',
    int_ip: '10.9.0.10',
    ext_ip: '198.51.100.9',
    plat: 268435456,
    arch: 2,
    tags: ['bench'],
    event_time: (time += 7),
    event_type: type,
    event_id: randomUUID(),
    this: atom,
    ...(parent ? { parent } : {}),
  });
  const process = (parent: string | null, name: string): string => {
    const atom = hex();
    pid += 4;
    lines.push(
      JSON.stringify({
        routing: routing('NEW_PROCESS', atom, parent),
        event: { PROCESS_ID: pid, PARENT_PROCESS_ID: pid - 4, FILE_PATH: `C:\\Program Files\\Bench\\${name}.exe`, COMMAND_LINE: `"C:\\Program Files\\Bench\\${name}.exe" --run ${pid}`, USER_NAME: 'BENCH\\user', HASH: hex() + hex(), TIMESTAMP: Math.floor(time / 1000) },
      }),
    );
    for (let i = 0; i < 2; i++) {
      lines.push(JSON.stringify({ routing: routing('DNS_REQUEST', hex(), atom), event: { DOMAIN_NAME: `host${i}.bench.example`, IP_ADDRESS: '192.0.2.1', DNS_TYPE: 1, PROCESS_ID: pid } }));
    }
    return atom;
  };
  const root = process(null, 'root');
  const children: ProcessTree['children'] = [];
  for (let c = 0; c < shape.children; c++) {
    const child = { atom: process(root, `worker${c}`), children: [] as string[] };
    children.push(child);
    for (let g = 0; g < shape.grandchildren; g++) {
      const grandchild = process(child.atom, `task${c}-${g}`);
      child.children.push(grandchild);
      if (c === 0 && g === 0) for (let d = 0; d < shape.deep; d++) void process(grandchild, `deep${d}`);
    }
  }
  return { lines, root, children, processes: 1 + shape.children * (1 + shape.grandchildren) + shape.deep };
}
