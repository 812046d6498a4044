// The part of @nxtedition/rocksdb (no bundled types) that src/server/store/db.ts uses.
declare module '@nxtedition/rocksdb' {
  export const RocksLevel: new (location: string, options: { keyEncoding: 'buffer'; valueEncoding: 'buffer' }) => unknown;
}
