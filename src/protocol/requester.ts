/**
 * The narrow face of a client session that a single request needs: send one method, read the
 * negotiated version. `Connection` (connection.ts) implements it; the handshake and the
 * genesis check (negotiate.ts) take it, so they do not depend on the session that runs them.
 */

export interface RequestOptions {
  timeoutMs?: number;
}

export interface Requester {
  /** Negotiated protocol version ("1.4", "1.6"...); undefined before or without server.version. */
  readonly version?: string | undefined;
  request(method: string, params?: unknown[], opts?: RequestOptions): Promise<unknown>;
}
