// Preload for spawned binaries: `NODE_OPTIONS=--import=<this file>` makes any connection to
// a host other than loopback throw inside the child (see loopbackEnv in loopback-guard.ts).
import { installLoopbackGuard } from './loopback-core.mjs';

installLoopbackGuard();
