/**
 * Executables and modules as files: path, hashes and signature. A hash depends on the platform,
 * the image and its build, never on the seed or the host (unless the image is built per host), so
 * system binaries carry the same hash on every host of a platform, as in a real fleet, and a rare
 * tool's hash is shared only by the few hosts that have it.
 */
import type { Host } from './fleet/hosts';
import { type FileHashes, fileHashes } from './ids';
import type { ImageDef, Signer } from './platforms';
import { hash32 } from './prng';

export interface Image {
  readonly key: string;
  readonly path: string;
  /** File name, for MODULE_NAME and ORIGINAL_FILE_NAME. */
  readonly name: string;
  readonly hashes: FileHashes;
  readonly signer: Signer | null;
  readonly info: string | null;
  readonly memory: number;
  readonly threads: number;
}

export interface SignatureText {
  readonly issuer: string;
  readonly subject: string;
}

const MS_ISSUER = 'C=US, S=Washington, L=Redmond, O=Microsoft Corporation, CN=Microsoft Windows Production PCA 2011';
const DIGICERT = 'C=US, O=DigiCert, Inc., CN=DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1';

export const SIGNERS: Readonly<Record<Signer, SignatureText>> = {
  microsoft: { issuer: MS_ISSUER, subject: 'C=US, S=Washington, L=Redmond, O=Microsoft Corporation, CN=Microsoft Windows' },
  google: { issuer: DIGICERT, subject: 'C=US, S=California, L=Mountain View, O=Google LLC, CN=Google LLC' },
  apple: { issuer: 'C=US, O=Apple Inc., OU=Apple Certification Authority, CN=Apple Code Signing Certification Authority', subject: 'C=US, O=Apple Inc., OU=Apple Software, CN=Software Signing' },
  adobe: { issuer: DIGICERT, subject: 'C=US, S=California, L=San Jose, O=Adobe Inc., CN=Adobe Inc.' },
  mozilla: { issuer: DIGICERT, subject: 'C=US, S=California, L=San Francisco, O=Mozilla Corporation, CN=Mozilla Corporation' },
  vmware: { issuer: DIGICERT, subject: 'C=US, S=California, L=Palo Alto, O=VMware, Inc., CN=VMware, Inc.' },
  refractionpoint: { issuer: DIGICERT, subject: 'C=US, S=California, L=San Mateo, O=Refraction Point, Inc., CN=Refraction Point, Inc.' },
  slack: { issuer: 'C=US, O=Apple Inc., OU=Apple Certification Authority, CN=Developer ID Certification Authority', subject: 'UID=BQR82RBBHL, CN=Developer ID Application: Slack Technologies, Inc. (BQR82RBBHL), O=Slack Technologies, Inc., C=US' },
  zoom: { issuer: 'C=US, O=Apple Inc., OU=Apple Certification Authority, CN=Developer ID Certification Authority', subject: 'UID=BJ4HAAB9B3, CN=Developer ID Application: Zoom Video Communications, Inc. (BJ4HAAB9B3), O=Zoom Video Communications, Inc., C=US' },
  thirdparty: { issuer: 'C=US, O=DigiCert Inc, OU=www.digicert.com, CN=DigiCert SHA2 Assured ID Code Signing CA', subject: 'C=GB, L=Cambridge, O=Independent Software Ltd, CN=Independent Software Ltd' },
};

const shared = new Map<string, FileHashes>();

function hashesFor(key: string): FileHashes {
  let h = shared.get(key);
  if (!h) {
    h = fileHashes(`atomgraph-synthetic-file/${key}`);
    shared.set(key, h);
  }
  return h;
}

/** Which build of a multi-build image a host runs: most hosts the current one, the rest older ones. */
function versionOn(host: Host, key: string, versions: number): number {
  if (versions <= 1) return 0;
  const h = hash32(`${host.sid}/${key}`) % 100;
  return h < 70 ? 0 : 1 + (h % (versions - 1));
}

export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return path.slice(cut + 1);
}

/** Host-specific parts of a path ({user}, {org}); no random placeholders are allowed in image paths. */
function hostPath(path: string, host: Host): string {
  return path.includes('{') ? path.replace(/\{user\}/g, host.user).replace(/\{org\}/g, host.org.name) : path;
}

/** Images resolved for one host, cached there (paths may hold the user's name). */
export class HostImages {
  private readonly cache = new Map<string, Image>();

  constructor(private readonly host: Host) {}

  get(key: string): Image {
    let image = this.cache.get(key);
    if (!image) {
      const def = this.host.model.images[key];
      if (!def) throw new Error(`the ${this.host.platform} platform has no image ${JSON.stringify(key)}`);
      image = resolve(this.host, key, def);
      this.cache.set(key, image);
    }
    return image;
  }
}

function resolve(host: Host, key: string, def: ImageDef): Image {
  const version = versionOn(host, key, def.versions ?? 1);
  const hashKey = def.perHost ? `${host.platform}/${key}/host/${host.sid}` : `${host.platform}/${key}/v${version}`;
  const path = hostPath(def.path, host);
  return {
    key,
    path,
    name: baseName(path),
    hashes: hashesFor(hashKey),
    signer: def.signer ?? null,
    info: def.info ?? null,
    memory: def.memory ?? 8_388_608,
    threads: def.threads ?? 4,
  };
}

/** A file that is not part of any platform (a dropper, a document): its hashes from its own key. */
export function adHocImage(key: string, path: string, signer: Signer | null = null): Image {
  return { key, path, name: baseName(path), hashes: fileHashes(key), signer, info: null, memory: 4_718_592, threads: 3 };
}
