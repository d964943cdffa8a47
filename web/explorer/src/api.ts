/**
 * The explorer's only way out of the page: POST /graphql on our own origin, with the documents
 * generated from web/explorer/graphql (typed against schema.graphql). With AUTH=keys the key the
 * user pasted rides along as a bearer token; it is kept in this tab's sessionStorage (the same
 * entry the playground uses), never in localStorage.
 */
import type { TypedDocumentString } from '../gql/graphql';

const KEY_STORAGE = 'atomgraph.apiKey';

export function storedKey(): string {
  try {
    return sessionStorage.getItem(KEY_STORAGE) ?? '';
  } catch {
    return '';
  }
}

export function storeKey(key: string): void {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    /* storage switched off: the key lasts until the page reloads */
  }
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** /graphql beside the page (the page is /explorer), so a proxy's path prefix is kept. */
const ENDPOINT = new URL('graphql', location.href).toString();

/**
 * Runs one document; rejects with the first error's message and code. `priority: 'low'` for work
 * ahead of the user (the browser sends what the user asked for first).
 */
export async function request<R, V>(doc: TypedDocumentString<R, V>, variables: V, priority: RequestPriority = 'auto'): Promise<R> {
  const key = storedKey();
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (key) headers['authorization'] = `Bearer ${key}`;
  const response = await fetch(ENDPOINT, { method: 'POST', headers, body: JSON.stringify({ query: doc.toString(), variables }), priority });
  let body: { data?: R; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiError(`the API answered ${response.status} without JSON`, 'HTTP', response.status);
  }
  const first = body.errors?.[0];
  if (first) throw new ApiError(first.message, first.extensions?.code ?? 'ERROR', response.status);
  if (!body.data) throw new ApiError('the API answered without data', 'ERROR', response.status);
  return body.data;
}
