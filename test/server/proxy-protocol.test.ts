import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProxyHeader } from '../../src/server/proxy-protocol.js';
import { proxyV1, proxyV2 } from '../support/proxy-header.js';

test('PROXY header parsing: v1, v2, partial input, LOCAL/UNKNOWN, malformed headers', () => {
  const done = (b: Buffer | string) => parseProxyHeader(Buffer.from(b as string));
  assert.deepEqual(done(proxyV1('203.0.113.7') + 'rest'), { state: 'done', address: '203.0.113.7', rest: Buffer.from('rest') });
  assert.deepEqual(done('PROXY TCP4 203.0'), { state: 'more' });
  assert.deepEqual(done('PROX'), { state: 'more' });
  assert.deepEqual(done('PROXY UNKNOWN\r\n'), { state: 'done', address: undefined, rest: Buffer.alloc(0) });
  assert.equal(parseProxyHeader(proxyV2('2001:db8::42')).state === 'done' && (parseProxyHeader(proxyV2('2001:db8::42')) as any).address, '2001:db8::42');
  assert.equal((parseProxyHeader(proxyV2('::1')) as any).address, '::1');
  assert.equal((parseProxyHeader(proxyV2('198.51.100.9')) as any).address, '198.51.100.9');
  assert.deepEqual(parseProxyHeader(proxyV2('198.51.100.9').subarray(0, 20)), { state: 'more' });
  const local = Buffer.from(proxyV2('198.51.100.9'));
  local[12] = 0x20;
  assert.equal((parseProxyHeader(local) as any).address, undefined);
  for (const bad of ['GET / HTTP/1.1\r\n', '{"jsonrpc":"2.0"}\n', 'PROXY TCP4 999.1.1.1 127.0.0.1 1 2\r\n', 'PROXY TCP4 1.2.3.4 127.0.0.1 1 99999\r\n', 'PROXY TCP6 1.2.3.4 ::1 1 2\r\n', `PROXY TCP4 ${'1'.repeat(120)}`]) {
    assert.equal(done(bad).state, 'error', bad);
  }
  const v3 = Buffer.from(proxyV2('198.51.100.9'));
  v3[12] = 0x31;
  assert.equal(parseProxyHeader(v3).state, 'error');
});
