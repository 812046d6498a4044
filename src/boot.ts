/**
 * The binary's loader (bin/electrum-cli requires dist/boot.cjs, built from this file).
 *
 * `--version` is answered here. Anything else compiles the client, dist/cli.cjs (one CommonJS
 * bundle, scripts/build.mjs), through node:vm with a V8 code cache, so a run does not spend
 * ~10 ms compiling the JavaScript the last run of the same command compiled: node 20 keeps no
 * compiled code between runs (`module.enableCompileCache` only exists from node 22.1).
 *
 * The caches live in `<cache-dir.ts>/v8/<build>-<node>-<arch>/COMMAND.v8`: one directory per
 * build of the bundle (its id is the bundle's last line) and per node, since V8 takes a cache
 * only from its own version, and one file per command, since a cache holds the functions its
 * run compiled and deserializing a cache costs time in proportion to its size. Which command
 * a run is, only the bundle's option parser knows; so the loader tries the first words of the
 * command line that do not start with `-` and a cache of that name exists for. A wrong guess
 * can only cost time: any cache of the same build is valid for the whole bundle.
 *
 * After a successful run that had no cache of its own command (or one V8 refused: other V8
 * flags; or a damaged one: each file carries a digest), the cache of its command is written
 * (~3 ms, once per command). A new build or node prunes the other directories but the three
 * written last. NODE_DISABLE_COMPILE_CACHE=1 (node's own name for its cache) turns it off.
 * Nothing here may fail a run: any error means "no cache".
 *
 * Only node's built-ins and three leaf modules are imported: this runs before anything else.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { cacheDir } from './cache-dir.js';
import { envFlag } from './env-flag.js';
import { asksVersionOnly, VERSION } from './version.js';

type Env = Readonly<Record<string, string | undefined>>;

const BUILD_MARK = '//# electrum-cli-build=';

/** How many words of the command line are tried as a command name. */
const GUESSES = 4;

/** The build id the build appended to the bundle, or undefined (pure). */
export function buildIdOf(source: string): string | undefined {
  const at = source.lastIndexOf(BUILD_MARK);
  if (at < 0 || source.length - at > 80) return undefined;
  const id = source.slice(at + BUILD_MARK.length).trim();
  return /^[0-9a-f]{8,64}$/.test(id) ? id : undefined;
}

/** A word that may name a cache file: a command's name, never a path, a host or an address (pure). */
export function isCacheName(word: string): boolean {
  return /^[a-z][a-z0-9-]{0,31}$/.test(word);
}

/**
 * The directory of this build's caches, or undefined when there is no cache directory or
 * NODE_DISABLE_COMPILE_CACHE is set (pure).
 */
export function cacheDirFor(build: string, env: Env, node = process.version, arch = process.arch): string | undefined {
  if (envFlag(env.NODE_DISABLE_COMPILE_CACHE)) return undefined;
  if (!env.HOME && !env.USERPROFILE && !env.XDG_CACHE_HOME?.startsWith('/')) return undefined;
  return join(cacheDir(env), 'v8', `${build}-${node}-${arch}`);
}

/** The words of `args` worth trying as the command's name, in order (pure). */
export function commandGuesses(args: readonly string[]): string[] {
  return args.filter((a) => !a.startsWith('-') && isCacheName(a)).slice(0, GUESSES);
}

/**
 * The bundle as a CommonJS function. The wrapper goes on the first line, so line numbers in
 * stack traces are the bundle's own.
 */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname, __electrumImport) {${source}\n})`;
}

/**
 * The bundle's `import()` of an external package (scripts/build.mjs rewrites each into a call
 * of this): resolved from here, next to the bundle, as an import of the bundle's own would be.
 * A vm script has no import() of its own on node 20 without an experimental flag.
 */
const importExternal = (specifier: string): Promise<unknown> => import(specifier);

/**
 * A cache file: MAGIC, the SHA-1 of the V8 data, the data. Node's V8 does not checksum a code
 * cache it is given (only debug builds do), and a cache damaged on disk crashes the process
 * (a fatal V8 error, exit 133) on every run that uses it; so the loader checks the digest and
 * treats a mismatch as no cache.
 */
const MAGIC = Buffer.from('electrum-cli-v8\n');
const DIGEST = 20;

/** The file's V8 data when it is whole, else undefined (pure). */
export function cacheDataOf(file: Buffer): Buffer | undefined {
  const head = MAGIC.length + DIGEST;
  if (file.length <= head || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = file.subarray(head);
  return createHash('sha1').update(data).digest().equals(file.subarray(MAGIC.length, head)) ? data : undefined;
}

/** The file that holds `data` (pure). */
export function cacheFileOf(data: Buffer): Buffer {
  return Buffer.concat([MAGIC, createHash('sha1').update(data).digest(), data]);
}

/**
 * Writes `data` to `file` whole or not at all: a crash, a full disk or a concurrent run
 * (another container on the same HOME may have the same pid) never leaves half a cache.
 */
function writeAtomically(file: string, data: Buffer): void {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, data, { flag: 'wx' });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** How many builds' cache directories are kept (a global install and a checkout or two may share a HOME). */
const KEEP_BUILDS = 4;

/** Creates this build's directory; when it is new, removes all but the most recently written others. */
function prepare(dir: string): void {
  const parent = dirname(dir);
  let fresh = true;
  try {
    fresh = readdirSync(dir).length === 0;
  } catch {
    // not there yet
  }
  mkdirSync(dir, { recursive: true });
  if (!fresh) return;
  const others = readdirSync(parent)
    .map((name) => join(parent, name))
    .filter((p) => p !== dir)
    .map((p) => ({ p, t: statSync(p).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { p } of others.slice(KEEP_BUILDS - 1)) rmSync(p, { recursive: true, force: true });
}

/** The bundle's exports that the loader uses (src/main.ts). */
interface Bundle {
  main(argv: string[]): Promise<number>;
  commandWordOf(args: readonly string[]): Promise<string | undefined>;
}

/** A loaded bundle, and what to do once its command has ended with `code`. */
export interface Loaded {
  bundle: Bundle;
  /** Writes the command's cache when this run had none (only after a success); never throws. */
  finish(args: readonly string[], code: number): Promise<void>;
}

/** Compiles and evaluates `bundlePath`, with a cache of one of `args`' words when there is one and V8 takes it. */
export function load(bundlePath: string, args: readonly string[], env: Env): Loaded {
  // The bundle is ASCII (esbuild escapes the rest), and latin1 is the cheapest decoding.
  const source = readFileSync(bundlePath, 'latin1');
  const build = buildIdOf(source);
  const dir = build ? cacheDirFor(build, env) : undefined;
  let used: string | undefined;
  let cachedData: Buffer | undefined;
  for (const word of dir ? commandGuesses(args) : []) {
    try {
      const file = readFileSync(join(dir!, `${word}.v8`));
      used = word;
      cachedData = cacheDataOf(file);
      break;
    } catch {
      // none for this word
    }
  }
  const script = new Script(wrap(source), { filename: bundlePath, cachedData });
  const module = { exports: {} as Bundle };
  const fn = script.runInThisContext() as (e: object, r: NodeJS.Require, m: object, f: string, d: string, i: typeof importExternal) => void;
  fn.call(module.exports, module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath), importExternal);
  const bundle = module.exports;
  return {
    bundle,
    async finish(runArgs, code) {
      if (!dir || code !== 0) return;
      try {
        // What commander made of the line (program.ts remembers it: no second parse).
        const word = await bundle.commandWordOf(runArgs);
        if (word === undefined || !isCacheName(word)) return;
        // This command's cache was there, whole, and V8 took it: nothing to do. (A cache of
        // another word, `help balance` finding balance.v8, still gets this command its own.)
        if (used === word && cachedData !== undefined && script.cachedDataRejected !== true) return;
        // What this run compiled: the functions of the command it ran, and of anything it shares.
        const data = script.createCachedData();
        prepare(dir);
        writeAtomically(join(dir, `${word}.v8`), cacheFileOf(data));
      } catch {
        // a read-only or full cache directory: run without a cache
      }
    },
  };
}

/** The one line a failure outside main() gets (main() reports its own), with exit 1. */
function internalError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`electrum-cli: internal error: ${message.split('\n', 1)[0]}\n`);
  if (envFlag(process.env.ELECTRUM_DEBUG) || process.argv.includes('--debug')) {
    if (err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  }
  process.exitCode = 1;
}

/** Runs the command line (bin/electrum-cli). */
export function boot(argv: string[]): void {
  const args = argv.slice(2);
  if (asksVersionOnly(args)) {
    // `--version | head -0`: the reader is gone, which ends the run normally.
    process.stdout.on('error', () => {});
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  let loaded: Loaded;
  try {
    // The bundle built next to this file (dist/boot.cjs is CommonJS, so a run that imports no
    // ES module never starts node's ESM loader).
    loaded = load(join(__dirname, 'cli.cjs'), args, process.env);
  } catch (err) {
    // e.g. a checkout whose dist/ was never built: `npm run build`
    internalError(err);
    return;
  }
  loaded.bundle.main(argv).then(async (code) => {
    process.exitCode = code;
    await loaded.finish(args, code);
  }, internalError);
}
