/**
 * Child-process entry: `node --import tsx sim/main.ts --datadir DIR [--port N]
 * [--no-rest] [--seed S] [--preload FILE] [--rpcuser U --rpcpassword P] [--zmq | --zmq-port N] [--zmq-topics hashblock,sequence]
 * [--no-persistmempool] [--txospenderindex] [-rpcservertimeout=N] [--drop-seed S --drop-rate P]`.
 * Prints {"rpcport":N,"zmq":"tcp://127.0.0.1:M"?} on stdout once listening; exits after the stop RPC or on SIGTERM/SIGINT.
 */
import { Simulator, SimulatorOptions } from './server.js';

function parseArgs(argv: string[]): SimulatorOptions {
  const o: SimulatorOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    // Core's own spelling is accepted too: -rpcservertimeout=N.
    const core = /^--?rpcservertimeout=(\d+)$/.exec(a ?? '');
    if (core) { o.rpcServerTimeout = Number(core[1]); continue; }
    const next = () => { const v = argv[++i]; if (v === undefined) throw new Error(`missing value for ${a}`); return v; };
    if (a === '--datadir') o.datadir = next();
    else if (a === '--port') o.port = Number(next());
    else if (a === '--no-rest') o.rest = false;
    else if (a === '--seed') o.seed = next();
    else if (a === '--preload') o.preloadFile = next();
    else if (a === '--rpcuser') o.rpcUser = next();
    else if (a === '--rpcpassword') o.rpcPassword = next();
    else if (a === '--warmup-ms') o.warmupMs = Number(next());
    else if (a === '--zmq') o.zmq = true;
    else if (a === '--zmq-port') o.zmq = Number(next());
    else if (a === '--rpcservertimeout') o.rpcServerTimeout = Number(next());
    else if (a === '--drop-seed') o.drops = { rate: 0, ...o.drops, seed: next() };
    else if (a === '--drop-rate') o.drops = { seed: 'drops', ...o.drops, rate: Number(next()) };
    else if (a === '--zmq-topics') o.zmqTopics = next().split(',') as SimulatorOptions['zmqTopics'];
    else if (a === '--no-persistmempool') o.persistMempool = false;
    else if (a === '--txospenderindex') o.txospenderindex = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const sim = new Simulator({ ...opts, onStopRequested: () => process.exit(0) });
await sim.start();
process.stdout.write(JSON.stringify({ rpcport: sim.rpcPort, ...(sim.zmqAddress ? { zmq: sim.zmqAddress } : {}) }) + '\n');
const shutdown = () => { void sim.stop().then(() => process.exit(0)); };
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
