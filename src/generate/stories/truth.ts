/**
 * The ground truth written beside a generated feed (--truth FILE): what was planted, by atom, and
 * the answers a hunter's queries must give. Plain JSON; every atom in it is the routing.this (or
 * routing.parent) of lines in the feed, except ancestors marked `sent: false`, which the feed only
 * names as a parent.
 */

export interface HostRef {
  readonly hostname: string;
  readonly sid: string;
  readonly intIp: string;
}

export interface ProcessRef {
  readonly atom: string;
  readonly hostname: string;
  readonly sid: string;
  readonly filePath: string;
  readonly commandLine: string;
  readonly sha256: string;
  /** routing.parent of its NEW_PROCESS. */
  readonly parentAtom: string | null;
  /**
   * False when the parent's NEW_PROCESS was never sent (it started before the capture): the PARENT
   * snapshot in this process's NEW_PROCESS (path, command line, pid, user, hash, THIS_ATOM,
   * PARENT_ATOM) is all the feed says of it.
   */
  readonly parentSent: boolean;
}

export interface AncestorRef {
  readonly atom: string;
  readonly filePath: string;
  /** False when the parent started before the capture: its NEW_PROCESS is not in the feed (the chain ends here). */
  readonly sent: boolean;
}

export interface ConnectionRef {
  /** routing.this of the NEW_TCP4_CONNECTION. */
  readonly atom: string;
  readonly port: number;
  /** The process it hangs off (routing.parent): on the destination, the accepting process. */
  readonly processAtom: string;
  /** False when that process's NEW_PROCESS was never sent (known only from its children's snapshots). */
  readonly processSent: boolean;
}

export interface StoryTruth {
  readonly id: string;
  readonly kind: 'phishing-to-lateral-movement';
  readonly org: { readonly name: string; readonly oid: string };
  readonly victim: HostRef;
  /** The attachment: written by the mail client, opened by Word. */
  readonly document: { readonly path: string; readonly sha256: string; readonly newDocumentAtom: string; readonly fileCreateAtom: string };
  readonly processes: {
    readonly mailClient: string;
    readonly word: ProcessRef;
    readonly powershell: ProcessRef;
    /** The dropper running on the victim: the process whose ancestry a hunter walks. */
    readonly payload: ProcessRef;
  };
  /** The payload's ancestors, nearest first, to the tree's root or to the first parent never sent. */
  readonly ancestors: readonly AncestorRef[];
  readonly injection: {
    readonly sourceAtom: string;
    readonly targetAtom: string;
    readonly targetFilePath: string;
    readonly targetSent: boolean;
    readonly handleAtom: string;
    readonly threadAtom: string;
    readonly sensitiveAccessAtom: string;
    readonly threadInjectionAtom: string;
  };
  readonly dropper: {
    readonly sha256: string;
    readonly md5: string;
    readonly sha1: string;
    readonly fileName: string;
    /** Every host whose events carry the dropper's hash. */
    readonly hosts: readonly HostRef[];
  };
  /** Null when the story stayed on one host; lateralSkipped then says why. */
  readonly lateral: {
    readonly source: HostRef;
    readonly destination: HostRef;
    /** From the victim's PowerShell: SMB (445) to copy the dropper, RPC (135) and the service control port. */
    readonly connections: readonly ConnectionRef[];
    /** The same connections seen arriving on the destination. */
    readonly inbound: readonly ConnectionRef[];
    readonly droppedFile: { readonly path: string; readonly fileCreateAtom: string };
    readonly service: { readonly name: string; readonly displayName: string; readonly executable: string; readonly changeAtoms: readonly string[] };
    /** What the service started on the destination (parent: services.exe). */
    readonly startedProcesses: readonly ProcessRef[];
    /**
     * How far each host's clock is off (ms, added to the true time; --clock-skew). The destination's
     * is behind the source's, so it reports the service as started before the source's connection.
     */
    readonly clockSkewMs: { readonly source: number; readonly destination: number };
  } | null;
  readonly lateralSkipped: string | null;
  readonly beacon: {
    readonly domain: string;
    readonly ip: string;
    readonly resolvers: readonly { readonly host: HostRef; readonly processAtoms: readonly string[]; readonly dnsRequestAtoms: readonly string[] }[];
  };
  readonly startTime: number;
  readonly endTime: number;
}

export interface GenerationSummary {
  /** Events generated (what --events counts), sent or not. */
  readonly events: number;
  /** Lines written: events sent, their duplicates and the malformed lines. */
  readonly lines: number;
  readonly eventsSent: number;
  readonly withheldEvents: number;
  readonly withheldProcesses: number;
  readonly duplicateLines: number;
  readonly shuffledLines: number;
  readonly badLines: number;
  /** Lines per event type (sent events only; duplicates and malformed lines not counted). */
  readonly eventTypes: Readonly<Record<string, number>>;
  readonly firstEventTime: number;
  readonly lastEventTime: number;
}

export interface Truth {
  readonly format: 'atomgraph-truth/1';
  readonly generator: {
    readonly seed: string;
    readonly hosts: number;
    readonly orgs: number;
    readonly events: number;
    readonly start: number;
    readonly stories: number;
    readonly wrinkles: { readonly shuffle: number; readonly shuffleWindow: number; readonly duplicates: number; readonly orphans: number; readonly badFraction: number; readonly clockSkew: number };
  };
  readonly orgs: readonly { readonly name: string; readonly oid: string; readonly hosts: number }[];
  readonly summary: GenerationSummary;
  readonly stories: readonly StoryTruth[];
}
