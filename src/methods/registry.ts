/**
 * The method registry: every protocol method of versions 1.0–1.6, in preference order
 * (modern variants first). Subcommands, completions, the man page and the server's dispatch
 * table all derive from `METHODS`.
 */
import type { CommandSpec, MethodSpec } from './spec.js';
import { availableAt } from './spec.js';
import * as server from './server.js';
import * as chain from './blockchain.js';
import * as mempool from './mempool.js';
import * as legacy from './legacy.js';

export const METHODS = [
  server.serverVersion,
  server.serverBanner,
  server.serverDonationAddress,
  server.serverFeatures,
  server.serverPeersSubscribe,
  server.serverAddPeer,
  server.serverPing,
  chain.getBalance,
  chain.getHistory,
  chain.getMempool,
  chain.listUnspent,
  chain.subscribe,
  chain.unsubscribe,
  chain.blockHeader,
  chain.blockHeaders,
  chain.headersSubscribe,
  chain.estimateFee,
  chain.relayFee,
  chain.txGet,
  chain.broadcast,
  chain.broadcastPackage,
  chain.getMerkle,
  chain.idFromPos,
  mempool.feeHistogram,
  mempool.mempoolGetInfo,
  legacy.addressGetBalance,
  legacy.addressGetHistory,
  legacy.addressGetMempool,
  legacy.addressListUnspent,
  legacy.addressSubscribe,
  legacy.addressGetProof,
  legacy.numblocksSubscribe,
  legacy.utxoGetAddress,
  legacy.blockGetHeader,
  legacy.blockGetChunk,
] as const;

/** Every wire method name the registry knows. */
export type MethodName = (typeof METHODS)[number]['name'];

const byName = new Map<string, MethodSpec>(METHODS.map((m) => [m.name, m]));

export function findMethod(name: string): MethodSpec | undefined {
  return byName.get(name);
}

/** A subcommand and the wire methods that can serve it, preferred first. */
export interface Command {
  spec: CommandSpec;
  methods: MethodSpec[];
}

function deriveCommands(): Map<string, Command> {
  const out = new Map<string, Command>();
  for (const m of METHODS as readonly MethodSpec[]) {
    if (!(Number.isFinite(m.cost) && m.cost >= 0)) throw new Error(`registry: ${m.name} has no valid cost`);
    if (m.cli) {
      if (out.has(m.cli.name)) throw new Error(`registry: two records define command ${m.cli.name}`);
      if (m.cli.name !== m.command) throw new Error(`registry: ${m.name} defines ${m.cli.name} but names ${m.command}`);
      out.set(m.cli.name, { spec: m.cli, methods: [m] });
    }
  }
  for (const m of METHODS as readonly MethodSpec[]) {
    if (m.cli) continue;
    const c = out.get(m.command);
    if (!c) throw new Error(`registry: ${m.name} names unknown command ${m.command}`);
    c.methods.push(m);
  }
  return out;
}

/** Subcommands in registry order. */
export const COMMANDS: ReadonlyMap<string, Command> = deriveCommands();

/**
 * The wire method a command uses at negotiated version `version`: the first that exists
 * there, or the one `forced` names (any method of the command, even outside its range).
 * Returns undefined when none exists (the caller may use the command's fallback).
 */
export function chooseMethod(command: Command, version: string, forced?: string): MethodSpec | undefined {
  if (forced) return command.methods.find((m) => m.name === forced);
  return command.methods.find((m) => availableAt(m, version));
}

/** The methods a server session offers at `version` (its handler table, cf. ElectrumX). */
export function methodsAt(version: string): MethodSpec[] {
  return (METHODS as readonly MethodSpec[]).filter((m) => availableAt(m, version));
}
