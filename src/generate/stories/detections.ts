/**
 * The detections a real rule set would raise on a generated feed: a stream stage that reads the
 * feed's lines as they go by and, after each line a rule fires on, writes that rule's detection
 * record (LimaCharlie's detection stream shape: routing, cat, detect, detect_id, detect_mtd...).
 * The planted attacks raise the high-priority ones (encoded PowerShell, Office spawning a shell,
 * lsass access, a new service from a rare binary); some benign activity raises low-priority noise.
 * Everything follows from the feed's bytes, so the same feed gives the same detections.
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { namedUuid } from '../ids';
import type { GenerateOptions } from '../options';
import { generate } from '../output/stream';
import type { StoryTruth, Truth } from './truth';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const baseName = (path: string) => path.split(/[\\/]/).pop()?.toLowerCase() ?? '';

export interface GeneratedRule {
  /** source_rule: `general.<id>`. */
  readonly id: string;
  readonly cat: string;
  readonly priority: number;
  readonly level: 'informational' | 'low' | 'medium' | 'high' | 'critical';
  readonly tags: readonly string[];
  readonly description: string;
  /** Which event types it looks at (a cheap test on the line before parsing it). */
  readonly eventTypes: readonly string[];
  readonly matches: (event: Json, routing: Json) => boolean;
  /** One detection per (host, key) at most: e.g. a service changes state twice but is new once. */
  readonly onceBy?: (event: Json, routing: Json) => string;
}

const OFFICE = new Set(['winword.exe', 'excel.exe', 'powerpnt.exe', 'outlook.exe']);
const SHELLS = new Set(['cmd.exe', 'powershell.exe', 'pwsh.exe', 'wscript.exe', 'cscript.exe', 'mshta.exe']);
/** A service binary straight in the Windows folder or in a user-writable place: rare for real services. */
const RARE_SERVICE_PATH = /^(%systemroot%|c:\\windows)\\[^\\]+\.exe$|\\(users|programdata|temp|appdata)\\/i;

/** Antivirus binaries that read lsass memory for a living: the rule set's allowlist. */
const ANTIVIRUS = new Set(['msmpeng.exe', 'mssense.exe']);

/** Whether any process path in the event (its carried events and snapshots included) is an allowlisted antivirus. */
function byAntivirus(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(byAntivirus);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([k, v]) => (k === 'FILE_PATH' && typeof v === 'string' ? ANTIVIRUS.has(baseName(v)) : byAntivirus(v)));
}

export const GENERATED_RULES: readonly GeneratedRule[] = [
  {
    id: 'encoded-powershell',
    cat: 'Encoded PowerShell command line',
    priority: 8,
    level: 'high',
    tags: ['attack.execution', 'attack.t1059.001', 'attack.defense_evasion', 'attack.t1027'],
    description: 'PowerShell started with an encoded command (-enc / -EncodedCommand).',
    eventTypes: ['NEW_PROCESS'],
    matches: (e) => ['powershell.exe', 'pwsh.exe'].includes(baseName(str(e['FILE_PATH']))) && /\s-e(nc|ncodedcommand|c)?\s/i.test(` ${str(e['COMMAND_LINE'])} `),
  },
  {
    id: 'office-spawns-shell',
    cat: 'Office application spawned a shell',
    // The top of the attack: where a hunter starts (the process, its ancestry and its tree).
    priority: 10,
    level: 'critical',
    tags: ['attack.initial_access', 'attack.t1566.001', 'attack.execution', 'attack.t1204.002'],
    description: 'A Microsoft Office process started a command shell or script host: typical of a malicious macro.',
    eventTypes: ['NEW_PROCESS'],
    matches: (e) => SHELLS.has(baseName(str(e['FILE_PATH']))) && OFFICE.has(baseName(str(obj(e['PARENT'])['FILE_PATH']))),
  },
  {
    id: 'lsass-access',
    cat: 'LSASS memory access',
    priority: 9,
    level: 'critical',
    tags: ['attack.credential_access', 'attack.t1003.001'],
    description: 'A process opened lsass.exe with access rights that allow reading its memory (credential dumping).',
    eventTypes: ['SENSITIVE_PROCESS_ACCESS'],
    matches: (e) => !byAntivirus(e),
  },
  {
    id: 'new-service-rare-binary',
    cat: 'New service from a rare binary',
    priority: 7,
    level: 'high',
    tags: ['attack.persistence', 'attack.t1543.003', 'attack.lateral_movement', 'attack.t1569.002'],
    description: 'A service was installed whose binary sits directly in the Windows folder or in a user-writable folder.',
    eventTypes: ['SERVICE_CHANGE'],
    matches: (e) => RARE_SERVICE_PATH.test(str(e['EXECUTABLE'])),
    onceBy: (e) => `service/${str(e['SVC_NAME'])}`,
  },
  // Benign noise: real rule sets raise these all day.
  {
    id: 'lsass-access-antivirus',
    cat: 'LSASS access by antivirus',
    priority: 1,
    level: 'informational',
    tags: ['attack.credential_access', 'attack.t1003.001'],
    description: 'The antivirus scanned lsass.exe memory: expected, kept for the record.',
    eventTypes: ['SENSITIVE_PROCESS_ACCESS'],
    matches: (e) => byAntivirus(e),
  },
  {
    id: 'wmi-provider-host',
    cat: 'WMI provider host started',
    priority: 1,
    level: 'informational',
    tags: ['attack.execution', 'attack.t1047'],
    description: 'WmiPrvSE.exe started: WMI in use (usually management software).',
    eventTypes: ['NEW_PROCESS'],
    matches: (e) => baseName(str(e['FILE_PATH'])) === 'wmiprvse.exe',
  },
  {
    id: 'cron-run-parts',
    cat: 'Cron job execution',
    priority: 2,
    level: 'low',
    tags: ['attack.persistence', 'attack.t1053.003'],
    description: 'run-parts ran scheduled jobs.',
    eventTypes: ['NEW_PROCESS'],
    matches: (e) => baseName(str(e['FILE_PATH'])) === 'run-parts',
  },
];

/** One generated detection, as the truth file lists it. */
export interface DetectionTruth {
  readonly id: string;
  readonly rule: string;
  readonly cat: string;
  readonly priority: number;
  readonly oid: string;
  readonly hostname: string;
  readonly sid: string;
  /** The atom of the event it names (routing.this). */
  readonly atom: string;
  readonly eventType: string;
  readonly eventTime: number;
  /** The planted story the event belongs to, or null for benign noise. */
  readonly story: string | null;
}

export type TruthWithDetections = Truth & { readonly detections: readonly DetectionTruth[] };

const MARKERS = [...new Set(GENERATED_RULES.flatMap((r) => r.eventTypes))].map((t) => ({ type: t, text: `"event_type":"${t}"` }));

/**
 * The stream stage: lines pass through unchanged, each detection is written just after the line
 * that raised it. A line seen twice (the feed's duplicates) raises nothing the second time.
 */
export class DetectionTap extends Transform {
  private carry = '';
  private readonly seen = new Set<string>();
  private readonly found: DetectionTruth[] = [];

  constructor() {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const text = this.carry + chunk.toString('utf8');
    const end = text.lastIndexOf('\n') + 1;
    this.carry = text.slice(end);
    if (end > 0) this.push(this.withDetections(text.slice(0, end)));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.carry.length > 0) this.push(this.withDetections(this.carry));
    this.carry = '';
    done();
  }

  /** The detections written so far (all of them once the stream has ended), in feed order. */
  detections(): readonly DetectionTruth[] {
    return this.found;
  }

  private withDetections(lines: string): string {
    if (!MARKERS.some((m) => lines.includes(m.text))) return lines;
    let out = '';
    let from = 0;
    while (from < lines.length) {
      const nl = lines.indexOf('\n', from);
      const stop = nl < 0 ? lines.length : nl + 1;
      const line = lines.slice(from, stop);
      out += line;
      const marker = MARKERS.find((m) => line.includes(m.text));
      if (marker) for (const d of this.detect(line, marker.type)) out += `${d}\n`;
      from = stop;
    }
    return out;
  }

  private detect(line: string, type: string): string[] {
    let record: Json;
    try {
      record = obj(JSON.parse(line));
    } catch {
      return []; // a malformed line of the feed (--bad-fraction): no rule reads it
    }
    const routing = obj(record['routing']);
    const event = obj(record['event']);
    if (routing['event_type'] !== type || !routing['this']) return [];
    const out: string[] = [];
    for (const rule of GENERATED_RULES) {
      if (!rule.eventTypes.includes(type) || !rule.matches(event, routing)) continue;
      const once = `${str(routing['oid'])}/${str(routing['sid'])}/${rule.id}/${rule.onceBy ? rule.onceBy(event, routing) : str(routing['this'])}`;
      if (this.seen.has(once)) continue;
      this.seen.add(once);
      out.push(JSON.stringify(this.record(rule, routing, event)));
    }
    return out;
  }

  private record(rule: GeneratedRule, routing: Json, event: Json): Json {
    const oid = str(routing['oid']);
    const atom = str(routing['this']);
    const eventTime = Number(routing['event_time']);
    const detectId = namedUuid(`detection/${oid}/${atom}/${rule.id}`);
    // The rule engine answers within a few seconds, the same delay for the same detection.
    const delay = 500 + (parseInt(createHash('sha1').update(detectId).digest('hex').slice(0, 6), 16) % 4000);
    const copyRouting: Json = {};
    for (const k of ['oid', 'sid', 'event_type', 'event_time', 'event_id', 'this', 'parent', 'target']) if (routing[k] !== undefined) copyRouting[k] = routing[k];
    this.found.push({
      id: detectId,
      rule: `general.${rule.id}`,
      cat: rule.cat,
      priority: rule.priority,
      oid,
      hostname: str(routing['hostname']),
      sid: str(routing['sid']),
      atom,
      eventType: str(routing['event_type']),
      eventTime,
      story: null,
    });
    return {
      source: `${oid}.${str(routing['iid'])}.${str(routing['sid'])}.10000000.2`,
      routing,
      cat: rule.cat,
      namespace: 'general',
      detect: { event, routing: copyRouting },
      detect_id: detectId,
      detect_mtd: { level: rule.level, tags: rule.tags, description: rule.description, author: 'atomgraph-generator' },
      source_rule: `general.${rule.id}`,
      priority: rule.priority,
      author: 'atomgraph-generator',
      rule_tags: ['generated'],
      link: `https://app.limacharlie.io/orgs/${oid}/detections/${detectId}`,
      gen_time: eventTime + delay,
    };
  }
}

/** Every atom a story planted (processes, injection, service changes...). */
function storyAtoms(story: StoryTruth): Set<string> {
  const atoms = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string' && /^[0-9a-f]{32}$/.test(v)) atoms.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk(story);
  return atoms;
}

/** The truth with the detections the tap wrote, each tied to the story whose event it names. */
export function withDetections(truth: Truth, detections: readonly DetectionTruth[]): TruthWithDetections {
  const stories = truth.stories.map((s) => ({ id: s.id, oid: s.org.oid, atoms: storyAtoms(s) }));
  return {
    ...truth,
    detections: detections.map((d) => ({ ...d, story: stories.find((s) => s.oid === d.oid && s.atoms.has(d.atom))?.id ?? null })),
  };
}

/** The attack's detection a hunter starts from: the story's highest priority, earliest on ties. */
export function topDetection(truth: TruthWithDetections, storyId: string): DetectionTruth | null {
  const own = truth.detections.filter((d) => d.story === storyId);
  return own.sort((a, b) => b.priority - a.priority || a.eventTime - b.eventTime || (a.id < b.id ? -1 : 1))[0] ?? null;
}

/** A whole (small) run in memory with its detections: for tests, fixtures and the README's demo queries. */
export async function generateTextWithDetections(options: GenerateOptions): Promise<{ text: string; truth: TruthWithDetections }> {
  const run = generate(options);
  const tap = new DetectionTap();
  run.stream.on('error', (error) => tap.destroy(error));
  const parts: string[] = [];
  for await (const chunk of run.stream.pipe(tap)) parts.push(typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8'));
  return { text: parts.join(''), truth: withDetections(run.truth(), tap.detections()) };
}
