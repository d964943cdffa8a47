/**
 * GraphQL names derived from LimaCharlie names, so nobody spells a field twice:
 * COMMAND_LINE -> commandLine, HASH_MD5 -> hashMd5, NEW_TCP4_CONNECTION -> NewTcp4Connection,
 * and cloud-side lower-case names (public_ip, deleted_sensor) the same way.
 */

/** Words of a name: split on anything not alphanumeric and on lower-to-upper humps (ProcessGuid). */
function words(name: string): string[] {
  return name.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z][a-z])/).filter((w) => w.length > 0);
}

const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();

/** GraphQL names may not start with a digit; such a name gets a leading underscore. */
const guardDigit = (name: string) => (/^[0-9]/.test(name) ? `_${name}` : name);

export function camelCase(key: string): string {
  const [first = '', ...rest] = words(key);
  return guardDigit(first.toLowerCase() + rest.map(capitalise).join(''));
}

export function pascalCase(name: string): string {
  return guardDigit(words(name).map(capitalise).join(''));
}

/** What GraphQL accepts as a type or field name. */
export const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
