/**
 * What an API key may do. A domain fact, not auth's: the key store (graph/) keeps it and auth/
 * reads the store, so it lives below both.
 */
export const ROLES = ['reader', 'writer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

