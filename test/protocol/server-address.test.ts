import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { defaultPort, formatServer, parseProxy, parseServer, formatProxy } from '../../src/protocol/server-address.js';

const valid: [string, object, object?][] = [
  ['electrum.example.org:50002:s', { host: 'electrum.example.org', port: 50002, transport: 'tls' }],
  ['electrum.example.org:50001:t', { host: 'electrum.example.org', port: 50001, transport: 'tcp' }],
  ['Electrum.Example.org:50001', { host: 'electrum.example.org', port: 50001, transport: 'tcp' }],
  ['host:50002', { host: 'host', port: 50002, transport: 'tls' }],
  ['host:51001', { host: 'host', port: 51001, transport: 'tcp' }],
  ['host:1234', { host: 'host', port: 1234, transport: 'tls' }],
  ['host:1234', { host: 'host', port: 1234, transport: 'tcp' }, { defaultTransport: 'tcp' }],
  ['host', { host: 'host', port: 50002, transport: 'tls' }],
  ['host', { host: 'host', port: 51002, transport: 'tls' }, { network: 'regtest' }],
  ['host:t', { host: 'host', port: 51001, transport: 'tcp' }, { network: 'testnet4' }],
  ['127.0.0.1:50001:t', { host: '127.0.0.1', port: 50001, transport: 'tcp' }],
  ['[::1]:50002:s', { host: '::1', port: 50002, transport: 'tls' }],
  ['[2001:db8::1]:50001', { host: '2001:db8::1', port: 50001, transport: 'tcp' }],
  ['[::1]', { host: '::1', port: 50002, transport: 'tls' }],
  ['::1', { host: '::1', port: 50002, transport: 'tls' }],
  ['abcdefghij234567.onion:50001:t', { host: 'abcdefghij234567.onion', port: 50001, transport: 'tcp' }],
  ['tcp://host:1', { host: 'host', port: 1, transport: 'tcp' }],
  ['tcp://host', { host: 'host', port: 51001, transport: 'tcp' }, { network: 'signet' }],
  ['ssl://host:443', { host: 'host', port: 443, transport: 'tls' }],
  ['tls://host/', { host: 'host', port: 50002, transport: 'tls' }],
  ['ws://host:50003', { host: 'host', port: 50003, transport: 'ws' }],
  ['ws://host', { host: 'host', port: 60003, transport: 'ws' }, { network: 'testnet' }],
  ['wss://host:443/electrum', { host: 'host', port: 443, transport: 'wss', path: '/electrum' }],
  ['WSS://[::1]:50004/', { host: '::1', port: 50004, transport: 'wss' }],
  ['  host:50001:T  ', { host: 'host', port: 50001, transport: 'tcp' }],
];

test('parseServer accepts the documented forms', () => {
  for (const [spec, want, opts] of valid) {
    assert.deepEqual(parseServer(spec, opts as never), want, spec);
  }
});

const invalid: [string, RegExp][] = [
  ['', /empty/],
  ['host:0:t', /out of range/],
  ['host:65536', /out of range/],
  ['host:abc:t', /not a number/],
  ['host:50001:x', /unknown transport letter/],
  ['2001:db8::1:50001:t:', /./],
  ['fe80::1::2:50002', /too many|not/],
  ['http://host:80', /unknown scheme/],
  ['[::1:50002', /missing "]"/],
  ['[nothost]:1', /not an IPv6/],
  ['tcp://host:1/path', /no path/],
  ['ho st:1', /not a valid host name/],
  ['host/x', /unexpected/],
  ['user@ws://x', /./],
  ['tcp://u@host:1', /user names/],
];

test('parseServer rejects bad specs with a UsageError naming the problem', () => {
  for (const [spec, re] of invalid) {
    assert.throws(() => parseServer(spec), (e: unknown) => e instanceof UsageError && re.test(e.message) && !!e.hint, spec);
  }
});

test('formatServer round-trips', () => {
  for (const s of ['host:50001:t', 'host:50002:s', '[::1]:50002:s', 'ws://host:50003', 'wss://host:443/x']) {
    assert.equal(formatServer(parseServer(s)), s);
  }
});

test('default ports per network and transport', () => {
  assert.equal(defaultPort('mainnet', 'tcp'), 50001);
  assert.equal(defaultPort('mainnet', 'wss'), 50004);
  assert.equal(defaultPort('regtest', 'tls'), 51002);
  assert.equal(defaultPort('testnet4', 'ws'), 60003);
});

test('parseProxy', () => {
  assert.deepEqual(parseProxy('socks5h://127.0.0.1:9050'), { host: '127.0.0.1', port: 9050 });
  assert.deepEqual(parseProxy('socks5://localhost:1080'), { host: 'localhost', port: 1080 });
  assert.deepEqual(parseProxy('localhost'), { host: 'localhost', port: 9050 });
  assert.deepEqual(parseProxy('socks5://u%40x:p%3Aw@[::1]:1080'), { host: '::1', port: 1080, userId: 'u@x', password: 'p:w' });
  assert.equal(formatProxy(parseProxy('socks5://u:p@h:1')), 'socks5h://u@h:1');
  assert.throws(() => parseProxy('http://h:1'), UsageError);
  assert.throws(() => parseProxy('socks5://h:x'), UsageError);
});

test('scheme and letter tables see no names inherited from Object.prototype', () => {
  for (const scheme of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf']) {
    assert.throws(() => parseServer(`${scheme}://electrum.example.org:50002`), (e: unknown) => e instanceof UsageError && /unknown scheme/.test(e.message), scheme);
  }
});
