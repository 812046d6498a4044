// Preload for spawned binaries (NODE_OPTIONS=--import=<this file>): appends every module the
// child loads to the file named by ELECTRUM_TEST_IMPORT_LOG, so a test can see what a run
// loaded (e.g. that a quick command on a terminal never imports ora): the URL of each ES module
// it resolves (import-log-hooks.mjs), and the path (or node:name) of each CommonJS require,
// which no ESM hook sees (the binary and its bundle are CommonJS).
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const log = process.env.ELECTRUM_TEST_IMPORT_LOG;
if (log) {
  register(new URL('./import-log-hooks.mjs', import.meta.url), { data: { log } });
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    try {
      appendFileSync(log, `${Module._resolveFilename(request, parent, isMain)}\n`);
    } catch {
      // unresolvable: load() reports it
    }
    return load.apply(this, arguments);
  };
}
