/**
 * Block hashes the server does not supply: SPV proofs are anchored to these. Each mainnet
 * entry is a well-known block (Bitcoin Core's historic checkpoints, the halvings) whose hash
 * was checked against several independent sources; a wrong entry would be worse than none,
 * so the test networks carry only their genesis, and regtest only its genesis (a regtest
 * proof is anchored only when the server's headers link back to it).
 */
import { UsageError } from '../errors.js';
import { NETWORKS, type NetworkName } from '../bitcoin/networks.js';

/** A trusted (height, block hash) pair; hash in display hex. */
export interface Checkpoint {
  height: number;
  hash: string;
  /** Where it came from: the built-in table or the user's --checkpoint. */
  source: 'builtin' | 'user';
}

const MAINNET: readonly [number, string][] = [
  [11111, '0000000069e244f73d78e8fd29ba2fd2ed618bd6fa2ee92559f542fdb26e7c1d'],
  [33333, '000000002dd5588a74784eaa7ab0507a18ad16a236e7b1ce69f00d7ddfb5d0a6'],
  [74000, '0000000000573993a3c9e41ce34471c079dcf5f52a0e824a81e7f953b8661a20'],
  [105000, '00000000000291ce28027faea320c8d2b054b2e0fe44a773f3eefb151d6bdc97'],
  [134444, '00000000000005b12ffd4cd315cd34ffd4a594f430ac814c91184a0d42d2b0fe'],
  [168000, '000000000000099e61ea72015e79632f216fe6cb33d7899acb35b75c8303b763'],
  [193000, '000000000000059f452a5f7340de6682a977387c17010ff6e6c3bd83ca8b1317'],
  [210000, '000000000000048b95347e83192f69cf0366076336c639f9b7228e9ba171342e'],
  [250000, '000000000000003887df1f29024b06fc2200b55f8af8f35453d7be294df2d214'],
  [295000, '00000000000000004d9b4ef50f0f9d686fd69db2e03af35a100370c64632a983'],
  [420000, '000000000000000002cce816c0ab2c5c269cb081896b7dcb34b8422d6b74ffa1'],
  [630000, '000000000000000000024bead8df69990852c202db0e0097c1a12ea637d7e96d'],
  [840000, '0000000000000000000320283a032748cef8227873ff4872689bf23f1cda83a5'],
];

/** The built-in checkpoints of a network, ascending by height (genesis first). */
export function builtinCheckpoints(network: NetworkName): Checkpoint[] {
  const genesis: Checkpoint = { height: 0, hash: NETWORKS[network].genesisHash, source: 'builtin' };
  if (network !== 'mainnet') return [genesis];
  return [genesis, ...MAINNET.map(([height, hash]) => ({ height, hash, source: 'builtin' as const }))];
}

/** Parses --checkpoint HEIGHT:HASH; UsageError otherwise. */
export function parseCheckpoint(text: string): Checkpoint {
  const m = /^\s*(\d{1,9}):([0-9a-fA-F]{64})\s*$/.exec(text);
  if (!m) {
    throw new UsageError(`invalid --checkpoint ${JSON.stringify(text)}`, {
      hint: 'give HEIGHT:HASH, the block hash at that height in display hex (as bitcoind prints it)',
    });
  }
  return { height: Number(m[1]), hash: m[2]!.toLowerCase(), source: 'user' };
}

/**
 * The checkpoints to anchor to: the user's --checkpoint alone when given (the user chose
 * whom to trust), else the built-in table.
 */
export function checkpointsFor(network: NetworkName, user?: string): Checkpoint[] {
  return user !== undefined ? [parseCheckpoint(user)] : builtinCheckpoints(network);
}
