/**
 * `wallet scan XPUB|DESCRIPTOR`: a whole-wallet view without a wallet file. Derives receive
 * and change addresses (src/wallet), asks the server for their histories in batches until
 * the gap limit, then balances and UTXOs of the used ones, and prints per-address rows and
 * totals (a table, or one JSON document under --json).
 */
import { Option, type Command } from 'commander';
import type { Runtime } from '../runtime.js';
import type { Context, GlobalOptions } from '../context.js';
import { UsageError } from '../../errors.js';

/** Script types --type accepts (BIP44, BIP49, BIP84, BIP86). */
export const WALLET_TYPES = ['pkh', 'sh-wpkh', 'wpkh', 'tr'] as const;

export interface WalletScanFlags {
  gapLimit?: string;
  type?: (typeof WALLET_TYPES)[number];
}

/** Adds `wallet scan` to the program. */
export function register(program: Command, rt: Runtime): void {
  const wallet = program.command('wallet').description('Whole-wallet views from an extended public key or descriptor (no wallet file)');
  wallet
    .command('scan')
    .description(
      'Derive receive and change addresses of XPUB or DESCRIPTOR, query them in batches up to the gap limit, ' +
        'and show per-address and total balances, transaction counts and UTXOs',
    )
    .argument('<KEY>', 'xpub/ypub/zpub/tpub/upub/vpub (account level), or a descriptor: wpkh(), sh(wpkh()), tr(), pkh() with KEY/<0;1>/*')
    .option('--gap-limit <n>', 'stop a chain after this many consecutive unused addresses (default 20)')
    .addOption(new Option('--type <type>', 'script type of an extended key (default from its prefix: xpub/tpub pkh, ypub/upub sh-wpkh, zpub/vpub wpkh)').choices(WALLET_TYPES))
    .addHelpText(
      'after',
      '\nJSON output:\n  {"addresses": [{"chain", "index", "address", "scripthash", "tx_count", "confirmed", "unconfirmed"}, ...],\n' +
        '   "utxos": [{"tx_hash", "tx_pos", "height", "value", "address", "chain", "index"}, ...],\n' +
        '   "next": [{"chain", "index", "address"}, ...],\n' +
        '   "total": {"confirmed", "unconfirmed", "tx_count", "addresses_used", "addresses_scanned", "utxo_count"}}',
    )
    .action(async (key: string, flags: WalletScanFlags, self: Command) => {
      const ctx = await rt.context(self.optsWithGlobals<GlobalOptions>());
      await run(ctx, key, flags);
    });
}

/** Parses --gap-limit (1..1000). */
export function gapLimit(text: string | undefined): number {
  if (text === undefined) return 20;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 1000) throw new UsageError(`--gap-limit must be an integer from 1 to 1000, got ${JSON.stringify(text)}`);
  return n;
}

/** Runs the scan (everything heavy is loaded here, not at registration). */
export async function run(ctx: Context, key: string, flags: WalletScanFlags): Promise<void> {
  const gap = gapLimit(flags.gapLimit);
  const { parseWalletSource } = await import('../../wallet/source.js');
  const source = await parseWalletSource(key, ctx.network, flags.type);
  const conn = await ctx.connect();
  const { scanWallet } = await import('../../wallet/scan.js');
  const { connectionQuery } = await import('../../wallet/query.js');
  const { startProgress } = await import('../progress.js');
  const { Eta } = await import('../../format/eta.js');
  const progress = await startProgress(ctx.out, 'scanning addresses…');
  let report;
  try {
    const eta = new Eta('scanning addresses', 0, undefined, true);
    report = await scanWallet(source, connectionQuery(conn), {
      gapLimit: gap,
      onProgress: (p) => {
        eta.total = p.planned;
        progress.update(eta.text(p.derived, `${p.used} used`));
      },
    });
  } finally {
    progress.stop();
  }
  await ctx.verified();
  if (ctx.json) return await ctx.out.json(report);
  const { renderScanReport } = await import('../../wallet/render.js');
  ctx.out.data(renderScanReport(report, ctx.out.style));
}
