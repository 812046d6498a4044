import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ServerError } from '../../src/errors.js';
import { Connection } from '../../src/protocol/connection.js';
import { assertLoopbackOnly, blockedDials } from '../support/loopback-guard.js';
import { exchanges, listTranscripts } from '../support/transcripts.js';
import { fakeServer, type FakeServer } from '../support/fake-server.js';

// Real servers' reply lines (ElectrumX pads them with spaces before the final brace) go
// through the whole client stack byte for byte; only the id is rewritten to ours.
assertLoopbackOnly();
const servers: FakeServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
  assert.deepEqual(blockedDials(), []);
});

/** Replaces the value of the last "id" member of a raw reply line. */
function withId(line: string, id: unknown): string {
  const at = line.lastIndexOf('"id"');
  return line.slice(0, at) + line.slice(at).replace(/^"id"\s*:\s*(-?\d+|"[^"]*"|null)/, `"id":${JSON.stringify(id)}`);
}

for (const t of listTranscripts()) {
  test(`replays ${t.name} through Connection`, async () => {
    const all = exchanges(t).filter((e) => !e.replyLine.trimStart().startsWith('['));
    const byKey = new Map<string, (typeof all)[number]>();
    for (const e of all) {
      const key = e.method === 'server.version' ? e.method : `${e.method} ${JSON.stringify(e.params)}`;
      if (!byKey.has(key)) byKey.set(key, e); // the first answer (a repeated server.version is refused)
    }
    const srv = await fakeServer((msg, s) => {
      const key = msg.method === 'server.version' ? msg.method : `${msg.method} ${JSON.stringify(msg.params)}`;
      const e = byKey.get(key);
      if (e) s.write(`${withId(e.replyLine, msg.id)}\n`);
      else s.send({ jsonrpc: '2.0', error: { code: -32601, message: 'not in transcript' }, id: msg.id });
    });
    servers.push(srv);
    const v = byKey.get('server.version')!;
    const [, ver] = v.reply.result as [string, string];
    const conn = await Connection.open({ server: srv.addr(), negotiate: { min: '1.4', max: '1.6' } });
    assert.equal(conn.version, ver);
    let n = 0;
    for (const e of all) {
      if (e.method === 'server.version' || e.method.endsWith('.subscribe') || byKey.get(`${e.method} ${JSON.stringify(e.params)}`) !== e) continue;
      n++;
      if (e.reply.error) {
        await assert.rejects(conn.request(e.method, e.params), (err: unknown) => err instanceof ServerError && err.code === e.reply.error!.code, e.method);
      } else {
        assert.deepEqual(await conn.request(e.method, e.params), e.reply.result, e.method);
      }
    }
    assert.ok(n > 0);
    conn.close();
  });
}
