/**
 * `merkle`: the merkle branch of a transaction; --verify fetches the header at the block
 * height the server named and checks that the branch leads to its merkle root
 * ({"result": ..., "verified": true|false}; exit status 6 when false).
 */
import { VerificationError } from '../../errors.js';
import { chooseMethod, COMMANDS } from '../../methods/registry.js';
import { check } from '../../methods/validate.js';
import type { Job } from '../job.js';
import { headerHexOf } from './header.js';

/** The merkle root (display hex) of the header at `height`, by whichever header method the version has. */
async function merkleRootAt(job: Job, height: number): Promise<string> {
  const headerCmd = COMMANDS.get('header')!;
  const m = chooseMethod(headerCmd, job.version)!;
  const params = [height];
  const raw = await job.conn.request(m.name, params);
  const result = check(m.result, raw, { version: job.version, params });
  const { parseHeader } = await import('../../bitcoin/header.js');
  return parseHeader(await headerHexOf(result)).merkleRoot;
}

export async function run(job: Job): Promise<void> {
  await job.open();
  const { result, params } = await job.call();
  if (job.inv.flags.verify !== true) {
    await job.print([{ key: '', params, result }]);
    return;
  }
  const r = result as { block_height: number; merkle: string[]; pos: number };
  const root = await merkleRootAt(job, r.block_height);
  const { verifyMerkleBranch } = await import('../../bitcoin/merkle.js');
  const txid = params[0] as string;
  const proof = verifyMerkleBranch(txid, r.pos, r.merkle, root);
  await job.print([{ key: '', params, result: { result, verified: proof.ok } }], async () => {
    const human = await job.human(result);
    return `${human}\nverified: ${proof.ok ? `yes (the branch leads to the merkle root of block ${r.block_height})` : `NO (${proof.reason})`}`;
  });
  if (!proof.ok) {
    throw new VerificationError(`merkle proof of ${txid} does not verify against the header at height ${r.block_height}: ${proof.reason}`, {
      hint: 'the server gave a false proof, or the transaction is not in that block',
    });
  }
}
