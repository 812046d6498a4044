/**
 * What a protocol handler sees: the backend, the session it serves (negotiated version,
 * subscriptions) and the server's own facts (banner, features). Handlers do no socket I/O;
 * they return a result or throw an RpcError that the session turns into a JSON-RPC error.
 */
import type { Backend, OutpointStatus } from '../api.js';
import type { NetworkName } from '../../bitcoin/networks.js';
import type { METHODS } from '../../methods/registry.js';
import type { ArgsOf } from '../../methods/spec.js';

export { RpcError } from '../errors.js';

/** A handler result that is already JSON text: the session splices it into the reply as is. */
export class RawJson {
  constructor(readonly json: string) {}
}

/** The session operations handlers need (implemented by Session). */
export interface SessionApi {
  /** The negotiated protocol version; null until server.version succeeded. */
  readonly version: string | null;
  /** Records the outcome of server.version. */
  setVersion(version: string, clientName: string): void;
  /** Subscribes to a script hash (notified as `alias` when given: legacy address methods); returns the status. */
  subscribeScripthash(scripthash: string, alias?: string): Promise<string | null>;
  /** True when the subscription existed. */
  unsubscribeScripthash(scripthash: string): boolean;
  /** Subscribes to new tips, notified raw ({hex, height}) or deserialized (1.0-1.3). */
  subscribeHeaders(shape: 'raw' | 'deserialized'): void;
  /** Subscribes to 1.0 `blockchain.numblocks.subscribe` notifications. */
  subscribeNumblocks(): void;
}

/** Facts about this server that do not come from the backend. */
export interface ServerInfo {
  /** "electrum-cli VERSION" (SERVER_SOFTWARE in serve.ts). */
  software: string;
  banner: string;
  donationAddress: string;
  /** The highest protocol version served (PROTOCOL_MAX, or the draft when enabled). */
  protocolMax: string;
  /** The `server.features` dictionary (hosts reflect the bound listeners). */
  features(): Record<string, unknown>;
  /** bitcoind's getnetworkinfo version and subversion, for the banner's $DAEMON_* variables. */
  daemonInfo(): Promise<{ version: number; subversion: string }>;
  /** Outpoint subscriptions (protocol 1.7 draft), kept process-wide like script hash ones. */
  outpoints: {
    subscribe(session: SessionApi, txid: string, vout: number): Promise<OutpointStatus>;
    unsubscribe(session: SessionApi, txid: string, vout: number): boolean;
  };
}

export interface HandlerContext {
  backend: Backend;
  network: NetworkName;
  /** The negotiated version (handlers other than server.version always run on a versioned session). */
  version: string;
  session: SessionApi;
  info: ServerInfo;
}

/** Arguments by their documented wire names, checked and with defaults applied. */
export type Args = Record<string, any>;

/**
 * One protocol method's implementation, as the dispatcher holds it (its arguments come from
 * the binder, server/bind.ts, which checked them against the same record that types them in
 * `HandlerTable`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (c: HandlerContext, p: any) => unknown;

type Method = (typeof METHODS)[number];

/**
 * The dispatch table's type, from the method records: each handler's arguments are the
 * record's params by wire name (`ArgsOf`), so a renamed or retyped parameter is a compile
 * error in its handler.
 */
export type HandlerTable = { [M in Method as M['name']]: (c: HandlerContext, p: ArgsOf<M>) => unknown };
