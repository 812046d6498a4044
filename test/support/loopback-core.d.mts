/** True for the loopback names and addresses the guard lets through. */
export function isLoopbackHost(host: unknown): boolean;
/** Installs the guard (idempotent). Returns a function that removes it. */
export function installLoopbackGuard(): () => void;
/** Removes the guard. */
export function uninstallLoopbackGuard(): void;
/** Destinations the guard refused so far. */
export function blockedDials(): string[];
/** Forgets the refused destinations. */
export function clearBlockedDials(): void;
