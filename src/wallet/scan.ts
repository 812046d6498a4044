/**
 * The gap-limit scan, free of I/O: derive addresses chain by chain, ask `query` for their
 * histories one window at a time (each round is one batch covering every chain), stop a chain
 * once `gapLimit` consecutive addresses are unused, then fetch balances and UTXOs of the used
 * addresses in one more round.
 */
import type { DerivedAddress, WalletSource } from './source.js';

/** A history entry as the server reports it. */
export interface HistoryItem {
  tx_hash: string;
  height: number;
  fee?: number;
}

/** An unspent output as the server reports it. */
export interface UtxoItem {
  tx_hash: string;
  tx_pos: number;
  height: number;
  value: number;
}

/** The server questions a scan asks, each for many script hashes at once. */
export interface ScanQuery {
  histories(scripthashes: string[]): Promise<HistoryItem[][]>;
  balances(scripthashes: string[]): Promise<{ confirmed: number; unconfirmed: number }[]>;
  utxos(scripthashes: string[]): Promise<UtxoItem[][]>;
}

export interface ScanOptions {
  gapLimit: number;
  /** After each round: addresses derived, used so far, and the fewest the scan still needs in all (it grows as used ones turn up). */
  onProgress?(p: { derived: number; used: number; planned: number }): void;
}

/** One used address in the report. */
export interface AddressReport {
  chain: number;
  index: number;
  address: string;
  scripthash: string;
  tx_count: number;
  confirmed: number;
  unconfirmed: number;
}

export interface ScanReport {
  addresses: AddressReport[];
  utxos: (UtxoItem & { address: string; chain: number; index: number })[];
  /** The first unused address of each chain (the next to hand out). */
  next: { chain: number; index: number; address: string }[];
  total: { confirmed: number; unconfirmed: number; tx_count: number; addresses_used: number; addresses_scanned: number; utxo_count: number };
}

/** Scans `source` with the gap limit; see the module comment. */
export async function scanWallet(source: WalletSource, query: ScanQuery, opts: ScanOptions): Promise<ScanReport> {
  const gap = opts.gapLimit;
  const chains = Array.from({ length: source.chains }, (_, chain) => ({ chain, lastUsed: -1, next: 0 }));
  const used: { a: DerivedAddress; history: HistoryItem[] }[] = [];
  const txids = new Set<string>();
  let derived = 0;
  for (;;) {
    const window: DerivedAddress[] = [];
    for (const c of chains) {
      const end = c.lastUsed + gap; // inclusive
      for (let i = c.next; i <= end; i++) window.push(source.derive(c.chain, i));
      c.next = Math.max(c.next, end + 1);
    }
    if (window.length === 0) break;
    derived += window.length;
    const histories = await query.histories(window.map((a) => a.scripthash));
    window.forEach((a, i) => {
      const h = histories[i] ?? [];
      if (h.length === 0) return;
      used.push({ a, history: h });
      for (const e of h) txids.add(e.tx_hash);
      const c = chains[a.chain]!;
      c.lastUsed = Math.max(c.lastUsed, a.index);
    });
    opts.onProgress?.({ derived, used: used.length, planned: chains.reduce((n, c) => n + c.lastUsed + gap + 1, 0) });
  }
  used.sort((x, y) => x.a.chain - y.a.chain || x.a.index - y.a.index);
  const hashes = used.map((u) => u.a.scripthash);
  const [balances, utxoLists] = hashes.length > 0 ? await Promise.all([query.balances(hashes), query.utxos(hashes)]) : [[], []];
  const addresses = used.map((u, i): AddressReport => ({
    chain: u.a.chain,
    index: u.a.index,
    address: u.a.address,
    scripthash: u.a.scripthash,
    tx_count: u.history.length,
    confirmed: balances[i]!.confirmed,
    unconfirmed: balances[i]!.unconfirmed,
  }));
  const utxos = used.flatMap((u, i) =>
    (utxoLists[i] ?? []).map((x) => ({ tx_hash: x.tx_hash, tx_pos: x.tx_pos, height: x.height, value: x.value, address: u.a.address, chain: u.a.chain, index: u.a.index })),
  );
  const next = chains.map((c) => {
    const d = source.derive(c.chain, c.lastUsed + 1);
    return { chain: c.chain, index: d.index, address: d.address };
  });
  return {
    addresses,
    utxos,
    next,
    total: {
      confirmed: addresses.reduce((s, a) => s + a.confirmed, 0),
      unconfirmed: addresses.reduce((s, a) => s + a.unconfirmed, 0),
      tx_count: txids.size,
      addresses_used: addresses.length,
      addresses_scanned: derived,
      utxo_count: utxos.length,
    },
  };
}
