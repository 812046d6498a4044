/**
 * Child process of the kill -9 test (test/server/indexer.test.ts): opens the backend on a
 * bitcoind (URL and cookie from argv), prints "open" once syncing starts and "synced" when
 * done, then exits. Usage: node --import tsx test/support/sync-child.ts URL COOKIE DBDIR
 */
import { openBackend } from '../../src/server/backend.js';

const [url, cookie, dbDir] = process.argv.slice(2);
const b = await openBackend({
  network: 'regtest', bitcoindUrl: url, rpcCookie: cookie, dbDir: dbDir!, zmq: false, maxChunkBlocks: 3,
  log: () => {}, pollMs: 3_600_000, mempoolPollMs: 3_600_000,
});
process.stdout.write('open\n');
await b.sync;
process.stdout.write('synced\n');
await b.close();
