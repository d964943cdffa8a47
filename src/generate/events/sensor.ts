/**
 * Bodies of the sensor's own events: lifecycle (STARTING_UP, CONNECTED, SHUTTING_DOWN, DATA_DROPPED),
 * cloud-side enrollment, task receipts (CLOUD_NOTIFICATION, RECEIPT), users seen and logging in,
 * and service, driver and autorun changes.
 */
import type { Host } from '../fleet/hosts';
import type { ServiceDef } from '../platforms';
import { bodyTime } from './emit';

type Body = Record<string, unknown>;

export function lifecycleBody(type: 'STARTING_UP' | 'SHUTTING_DOWN' | 'DATA_DROPPED', time: number): Body {
  return { TIMESTAMP: bodyTime(type, time) };
}

/** As the seed shows it: the isolation flag only, no TIMESTAMP. */
export function connectedBody(): Body {
  return { IS_SEGREGATED: 0 };
}

/** Cloud-side and lower-case, like LimaCharlie's deployment events. */
export function enrollmentBody(host: Host): Body {
  return { public_ip: host.extIp, internal_ip: host.intIp, host_name: host.hostname };
}

const bare = (id: string) => id.replace(/-/g, '');

export function notificationBody(host: Host, notificationId: string, investigation: string, expiry: number): Body {
  return {
    NOTIFICATION_ID: notificationId,
    NOTIFICATION: { INVESTIGATION_ID: investigation },
    HCP_IDENT: {
      HCP_ORG_ID: bare(host.org.oid),
      HCP_SENSOR_ID: bare(host.sid),
      HCP_INSTALLER_ID: bare(host.org.iid),
      HCP_ARCHITECTURE: host.arch,
      HCP_PLATFORM: host.plat,
    },
    EXPIRY: expiry,
  };
}

export function userBody(userName: string, time: number): Body {
  return { USER_NAME: userName, TIMESTAMP: time };
}

/** SERVICE_CHANGE / DRIVER_CHANGE; state 1 stopped, 4 running. */
export function serviceBody(def: ServiceDef, state: number, pid: number, time: number, sha256?: string): Body {
  const body: Body = { PROCESS_ID: pid, SVC_TYPE: def.type, SVC_NAME: def.name, SVC_STATE: state, SVC_DISPLAY_NAME: def.display, EXECUTABLE: def.executable };
  if (def.dll) body['DLL'] = def.dll;
  if (sha256) body['HASH'] = sha256;
  body['TIMESTAMP'] = time;
  return body;
}

export function autorunBody(key: string, path: string, sha256: string, time: number): Body {
  return { REGISTRY_KEY: key, FILE_PATH: path, HASH: sha256, TIMESTAMP: time };
}
