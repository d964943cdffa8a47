/**
 * Bodies of the rarer file events (NEW_DOCUMENT, FILE_TYPE_ACCESSED) and the code identity of a
 * file (CODE_IDENTITY / ONGOING_IDENTITY). The frequent file, registry and module events are
 * written by events/writers.ts.
 */
import { type Image, SIGNERS } from '../images';
import type { Proc } from '../sim/state';
import { bodyTime } from './emit';


// Paths come in as JSON string literals (`pathJson`: quoted and escaped, see expandJson).

export function documentBody(p: Proc, pathJson: string, sha256: string, time: number): string {
  return `{"FILE_PATH":${pathJson},"HASH":"${sha256}","PROCESS_ID":${p.pid},"TIMESTAMP":${time}}`;
}

/** FILE_TYPE_ACCESSED: RULE_NAME is an integer rule id, as the seed shows. */
export function typeAccessBody(p: Proc, pathJson: string, rule: number, time: number): string {
  return `{"PROCESS_ID":${p.pid},"RULE_NAME":${rule},"FILE_PATH":${pathJson},"TIMESTAMP":${time}}`;
}

const identityJson = new WeakMap<Image, string>();

/** CODE_IDENTITY / ONGOING_IDENTITY: hashes and, where the platform signs code, the signature. */
export function identityBody(type: 'CODE_IDENTITY' | 'ONGOING_IDENTITY', image: Image, platform: string, time: number): string {
  let json = identityJson.get(image);
  if (json === undefined) {
    const body: Record<string, unknown> = {
      FILE_PATH: image.path,
      HASH: image.hashes.sha256,
      HASH_MD5: image.hashes.md5,
      HASH_SHA1: image.hashes.sha1,
      MEMORY_SIZE: 0,
      ERROR: 0,
      ORIGINAL_FILE_NAME: image.name,
    };
    if (platform !== 'linux') {
      const signature: Record<string, unknown> = { FILE_PATH: image.path, FILE_IS_SIGNED: image.signer ? 1 : 0 };
      if (image.signer) {
        signature['CERT_ISSUER'] = SIGNERS[image.signer].issuer;
        signature['CERT_SUBJECT'] = SIGNERS[image.signer].subject;
        signature['CERT_CHAIN_STATUS'] = 124;
        signature['FILE_CERT_IS_VERIFIED_LOCAL'] = 1;
      }
      body['SIGNATURE'] = signature;
    }
    if (image.info) body['FILE_INFO'] = image.info;
    json = JSON.stringify(body).slice(1, -1);
    identityJson.set(image, json);
  }
  return `{${json},"TIMESTAMP":${bodyTime(type, time)}}`;
}
