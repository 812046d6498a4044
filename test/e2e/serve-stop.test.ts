// `serve --local` stopped by SIGINT or SIGTERM: for a server that is its normal end, so the
// built binary shuts down gracefully and exits 0 (as ElectrumX and Fulcrum do), not 130.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, type NodeHandle } from '../support/bitcoind.js';
import { startLocalServe } from '../support/local-server.js';
import { assertLoopbackOnly } from '../support/loopback-guard.js';

assertLoopbackOnly();

let node: NodeHandle | undefined;
after(async () => {
  await node?.cleanup();
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`serve stopped by ${signal}: graceful shutdown, exit 0`, { timeout: 90_000 }, async () => {
    if (!node) {
      node = await startNode();
      await node.mine(101);
    }
    const srv = await startLocalServe(node);
    const code = await srv.stop(signal);
    assert.equal(code, 0, srv.log());
    assert.match(srv.log(), /shutting down\nstopped\n?$/);
  });
}
