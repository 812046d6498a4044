// Module hooks of import-log.mjs (they run on node's loader thread).
import { appendFileSync } from 'node:fs';

let log;
export async function initialize(data) {
  log = data.log;
}
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(log, `${r.url}\n`);
  return r;
}
