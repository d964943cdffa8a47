/**
 * How a platform is described to the simulator: its executables, the programs that run them (and
 * which children each starts), how busy each program is, and the pools its activity draws on
 * (domains, file paths, registry keys). The platform files are data; the simulator is generic.
 *
 * Templates (command lines, paths, registry keys, domains) may hold placeholders expanded per use,
 * e.g. {user}, {org}, {hex8}, {GUID}, {doc}, {peer}; sim/templates.ts has the list.
 */
export type Platform = 'windows' | 'linux' | 'macos';
export type Role = 'workstation' | 'server';

export const PLAT_CODES: Readonly<Record<Platform, number>> = { windows: 0x10000000, linux: 0x20000000, macos: 0x30000000 };

export type Signer = 'microsoft' | 'google' | 'apple' | 'adobe' | 'mozilla' | 'vmware' | 'refractionpoint' | 'slack' | 'zoom' | 'thirdparty';

export interface ImageDef {
  readonly path: string;
  /** Absent: the file is not signed. */
  readonly signer?: Signer;
  /** Distinct builds across the fleet (default 1: the same hash on every host of the platform). */
  readonly versions?: number;
  /** A build of its own on every host (internal tools compiled per machine): a hash seen once. */
  readonly perHost?: boolean;
  /** File version, for CODE_IDENTITY's FILE_INFO. */
  readonly info?: string;
  /** Typical working set, bytes, and thread count. */
  readonly memory?: number;
  readonly threads?: number;
}

export type BootChild =
  | string
  | {
      readonly program: string;
      /** Only on hosts of this role. */
      readonly role?: Role;
      /** Started on this share of hosts (decided once per host). */
      readonly share?: number;
      /** Milliseconds after the previous boot child (default a few hundred). */
      readonly delay?: number;
    };

export interface Program {
  readonly image: string;
  /** Command line; default: the image path, quoted when it holds a space. */
  readonly cmd?: string;
  /** '$system' (default), '$user' (the host's interactive user), or an account name as the platform writes it. */
  readonly user?: string;
  /** Lifetime range in milliseconds (log-uniform); absent: runs until its host stops. */
  readonly life?: readonly [number, number];
  /** Exits once its boot children are started (smss session instances, userinit). */
  readonly exitAfterBoot?: boolean;
  readonly profile: string;
  /** Activity events per minute, on average. */
  readonly rate: number;
  /** Children started right after this process, in order. */
  readonly boot?: readonly BootChild[];
  /** Children started during its life: how often, and which (weighted). '$tool' is one of the host's rare tools. */
  readonly spawns?: { readonly perHour: number; readonly children: readonly (readonly [string, number])[] };
  /** Module images loaded when it starts, after the platform's base modules. */
  readonly modules?: readonly string[];
  /** A service: starting it at run time also reports a SERVICE_CHANGE. */
  readonly service?: ServiceDef;
  /** Reports PROCESS_ENVIRONMENT when it starts (shells). */
  readonly env?: boolean;
  /** Its start is a user logging in. */
  readonly logon?: 'USER_LOGIN' | 'SSH_LOGIN';
  /** Child console host started with it (Windows console programs). */
  readonly console?: boolean;
}

export interface ServiceDef {
  readonly name: string;
  readonly display: string;
  /** SVC_TYPE: 16 own process, 32 shared (svchost), 1 kernel driver. */
  readonly type: number;
  readonly executable: string;
  readonly dll?: string;
}

export type ActivityKind =
  | 'dns'
  | 'tcp'
  | 'tcp6'
  | 'tcpIn'
  | 'udp'
  | 'udp6'
  | 'fileCreate'
  | 'fileModify'
  | 'fileRead'
  | 'fileDelete'
  | 'document'
  | 'typeAccess'
  | 'regWrite'
  | 'regCreate'
  | 'regDelete'
  | 'pipeNew'
  | 'pipeOpen'
  | 'module'
  | 'handle'
  | 'thread'
  | 'http'
  | 'identity';

export interface Profile {
  readonly mix: Readonly<Partial<Record<ActivityKind, number>>>;
  /** Pools (keys of PlatformModel.domains/files/registry) the activity draws on. */
  readonly domains?: string;
  readonly files?: readonly string[];
  readonly registry?: string;
  /** Module images loaded during its life. */
  readonly modules?: readonly string[];
  /** Outbound ports for external destinations (default 443). */
  readonly ports?: readonly number[];
  /** Ports it connects to on the org's servers (SMB, LDAP, SQL...). */
  readonly internal?: readonly number[];
  /** Ports it accepts connections on. */
  readonly listen?: readonly number[];
}

export interface PlatformModel {
  readonly platform: Platform;
  readonly images: Readonly<Record<string, ImageDef>>;
  readonly programs: Readonly<Record<string, Program>>;
  /** The program at the root of the process tree (System, systemd, launchd). */
  readonly root: string;
  /** Module images every process loads first. */
  readonly baseModules: readonly string[];
  readonly profiles: Readonly<Record<string, Profile>>;
  readonly domains: Readonly<Record<string, readonly string[]>>;
  readonly files: Readonly<Record<string, readonly string[]>>;
  readonly registry: Readonly<Record<string, readonly string[]>>;
  /** Programs of rare tools: each host has a few of them, most hosts none. */
  readonly tools: readonly string[];
  readonly services: readonly ServiceDef[];
  readonly drivers: readonly ServiceDef[];
  readonly packages: readonly (readonly [string, string])[];
  readonly autoruns: readonly (readonly [string, string])[];
  /** The root account and how a user name is written (`ACME\\jdoe` on Windows, `jdoe` elsewhere). */
  readonly systemAccount: string;
  readonly userName: (domain: string, user: string) => string;
  /** Ephemeral source ports. */
  readonly ephemeral: readonly [number, number];
  /** Windows PIDs are multiples of 4 allocated all over; Unix PIDs count up. */
  readonly pidStep: number;
  /** Architectures with weights (routing.arch: 1 x86, 2 x64, 3 arm, 4 arm64). */
  readonly arches: readonly (readonly [number, number])[];
}
