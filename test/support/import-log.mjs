// Preload for spawned binaries (NODE_OPTIONS=--import=<this file>): appends the URL of every
// module the child resolves to the file named by ELECTRUM_TEST_IMPORT_LOG, so a test can see
// what a run loaded (e.g. that a quick command on a terminal never imports ora).
import { register } from 'node:module';

const log = process.env.ELECTRUM_TEST_IMPORT_LOG;
if (log) register(new URL('./import-log-hooks.mjs', import.meta.url), { data: { log } });
