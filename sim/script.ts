/** Output-script helpers: Core's type names, regtest addresses, asm text and descriptors. */
import { address as baddress, networks } from 'bitcoinjs-lib';

/** bitcoinjs network parameters for regtest (bcrt, m/n, 2). */
export const REGTEST = networks.regtest;

/** Core's scriptPubKey "type" for a script. */
export function scriptType(s: Buffer): string {
  const n = s.length;
  if (n === 25 && s[0] === 0x76 && s[1] === 0xa9 && s[2] === 0x14 && s[23] === 0x88 && s[24] === 0xac) return 'pubkeyhash';
  if (n === 23 && s[0] === 0xa9 && s[1] === 0x14 && s[22] === 0x87) return 'scripthash';
  if (n === 22 && s[0] === 0x00 && s[1] === 0x14) return 'witness_v0_keyhash';
  if (n === 34 && s[0] === 0x00 && s[1] === 0x20) return 'witness_v0_scripthash';
  if (n === 34 && s[0] === 0x51 && s[1] === 0x20) return 'witness_v1_taproot';
  if (n === 4 && s.equals(Buffer.from('51024e73', 'hex'))) return 'anchor';
  if (n >= 1 && s[0] === 0x6a) return 'nulldata';
  if ((n === 35 && s[0] === 33 && s[34] === 0xac) || (n === 67 && s[0] === 65 && s[66] === 0xac)) return 'pubkey';
  if (n >= 4 && n <= 42 && (s[0] === 0x00 || (s[0] >= 0x51 && s[0] <= 0x60)) && s[1] + 2 === n && s[1] >= 2) return 'witness_unknown';
  return 'nonstandard';
}

/** Regtest address for a script, or undefined when it has none. */
export function scriptAddress(s: Buffer): string | undefined {
  switch (scriptType(s)) {
    case 'pubkeyhash': return baddress.toBase58Check(s.subarray(3, 23), REGTEST.pubKeyHash);
    case 'scripthash': return baddress.toBase58Check(s.subarray(2, 22), REGTEST.scriptHash);
    case 'witness_v0_keyhash':
    case 'witness_v0_scripthash': return baddress.toBech32(s.subarray(2), 0, REGTEST.bech32);
    case 'witness_v1_taproot':
    case 'anchor':
    case 'witness_unknown': return baddress.toBech32(s.subarray(2), s[0] - 0x50, REGTEST.bech32);
    default: return undefined;
  }
}

/** Output script for a regtest address; throws on an invalid one. */
export function addressScript(addr: string): Buffer {
  return Buffer.from(baddress.toOutputScript(addr, REGTEST));
}

const OPNAMES: Record<number, string> = {
  0x4f: '-1', 0x50: 'OP_RESERVED', 0x61: 'OP_NOP', 0x62: 'OP_VER', 0x63: 'OP_IF', 0x64: 'OP_NOTIF', 0x65: 'OP_VERIF',
  0x66: 'OP_VERNOTIF', 0x67: 'OP_ELSE', 0x68: 'OP_ENDIF', 0x69: 'OP_VERIFY', 0x6a: 'OP_RETURN', 0x6b: 'OP_TOALTSTACK',
  0x6c: 'OP_FROMALTSTACK', 0x6d: 'OP_2DROP', 0x6e: 'OP_2DUP', 0x6f: 'OP_3DUP', 0x70: 'OP_2OVER', 0x71: 'OP_2ROT',
  0x72: 'OP_2SWAP', 0x73: 'OP_IFDUP', 0x74: 'OP_DEPTH', 0x75: 'OP_DROP', 0x76: 'OP_DUP', 0x77: 'OP_NIP', 0x78: 'OP_OVER',
  0x79: 'OP_PICK', 0x7a: 'OP_ROLL', 0x7b: 'OP_ROT', 0x7c: 'OP_SWAP', 0x7d: 'OP_TUCK', 0x82: 'OP_SIZE', 0x87: 'OP_EQUAL',
  0x88: 'OP_EQUALVERIFY', 0x8b: 'OP_1ADD', 0x8c: 'OP_1SUB', 0x8f: 'OP_NEGATE', 0x90: 'OP_ABS', 0x91: 'OP_NOT',
  0x92: 'OP_0NOTEQUAL', 0x93: 'OP_ADD', 0x94: 'OP_SUB', 0x9a: 'OP_BOOLAND', 0x9b: 'OP_BOOLOR', 0x9c: 'OP_NUMEQUAL',
  0x9d: 'OP_NUMEQUALVERIFY', 0x9e: 'OP_NUMNOTEQUAL', 0x9f: 'OP_LESSTHAN', 0xa0: 'OP_GREATERTHAN',
  0xa1: 'OP_LESSTHANOREQUAL', 0xa2: 'OP_GREATERTHANOREQUAL', 0xa3: 'OP_MIN', 0xa4: 'OP_MAX', 0xa5: 'OP_WITHIN',
  0xa6: 'OP_RIPEMD160', 0xa7: 'OP_SHA1', 0xa8: 'OP_SHA256', 0xa9: 'OP_HASH160', 0xaa: 'OP_HASH256',
  0xab: 'OP_CODESEPARATOR', 0xac: 'OP_CHECKSIG', 0xad: 'OP_CHECKSIGVERIFY', 0xae: 'OP_CHECKMULTISIG',
  0xaf: 'OP_CHECKMULTISIGVERIFY', 0xb0: 'OP_NOP1', 0xb1: 'OP_CHECKLOCKTIMEVERIFY', 0xb2: 'OP_CHECKSEQUENCEVERIFY',
  0xba: 'OP_CHECKSIGADD',
};

/** Each opcode of a script with its push data (undefined for non-push opcodes); stops at a truncated push. */
function* scriptOps(s: Buffer): Generator<{ op: number; data?: Buffer }> {
  let i = 0;
  while (i < s.length) {
    const op = s[i++];
    let len = -1;
    if (op <= 0x4b) len = op;
    else if (op === 0x4c) { if (i + 1 > s.length) return; len = s[i]; i += 1; }
    else if (op === 0x4d) { if (i + 2 > s.length) return; len = s.readUInt16LE(i); i += 2; }
    else if (op === 0x4e) { if (i + 4 > s.length) return; len = s.readUInt32LE(i); i += 4; }
    if (len < 0) { yield { op }; continue; }
    if (i + len > s.length) return;
    yield { op, data: s.subarray(i, i + len) };
    i += len;
  }
}

/** Core's CheckMinimalPush for every push in the script (the MINIMALDATA policy flag). */
export function checkMinimalPushes(s: Buffer): boolean {
  for (const { op, data } of scriptOps(s)) {
    if (!data) continue;
    const n = data.length;
    let minimal: boolean;
    if (n === 0) minimal = op === 0x00;
    else if (n === 1 && data[0] >= 1 && data[0] <= 16) minimal = op === 0x50 + data[0];
    else if (n === 1 && data[0] === 0x81) minimal = op === 0x4f;
    else if (n <= 75) minimal = op === n;
    else if (n <= 255) minimal = op === 0x4c;
    else if (n <= 65535) minimal = op === 0x4d;
    else minimal = true;
    if (!minimal) return false;
  }
  return true;
}

/** Core's CScript::IsPushOnly: only push opcodes and OP_1NEGATE..OP_16 (OP_RESERVED included). */
export function isPushOnly(s: Buffer): boolean {
  let end = 0;
  for (const { op, data } of scriptOps(s)) {
    if (op > 0x60) return false;
    end += 1 + (data ? data.length + (op === 0x4c ? 1 : op === 0x4d ? 2 : op === 0x4e ? 4 : 0) : 0);
  }
  return end === s.length;
}

/** Core's ScriptToAsmStr without sighash decoding: small pushes as numbers, others as hex. */
export function scriptAsm(s: Buffer): string {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const op = s[i++];
    let len = -1;
    if (op >= 1 && op <= 0x4b) len = op;
    else if (op === 0x4c) { if (i + 1 > s.length) { out.push('[error]'); break; } len = s[i]; i += 1; }
    else if (op === 0x4d) { if (i + 2 > s.length) { out.push('[error]'); break; } len = s.readUInt16LE(i); i += 2; }
    else if (op === 0x4e) { if (i + 4 > s.length) { out.push('[error]'); break; } len = s.readUInt32LE(i); i += 4; }
    if (len >= 0) {
      if (i + len > s.length) { out.push('[error]'); break; }
      const data = s.subarray(i, i + len); i += len;
      out.push(len <= 4 ? String(scriptNum(data)) : data.toString('hex'));
    } else if (op === 0) out.push('0');
    else if (op >= 0x51 && op <= 0x60) out.push(String(op - 0x50));
    else out.push(OPNAMES[op] ?? 'OP_UNKNOWN');
  }
  return out.join(' ');
}

function scriptNum(b: Buffer): number {
  if (b.length === 0) return 0;
  let v = 0;
  for (let i = 0; i < b.length; i++) v += b[i] * 2 ** (8 * i);
  const last = b[b.length - 1];
  if (last & 0x80) return -(v - 0x80 * 2 ** (8 * (b.length - 1)));
  return v;
}

const INPUT_CHARSET = '0123456789()[],\'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#"\\ ';
const CHECKSUM_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function polyMod(c: bigint, val: number): bigint {
  const c0 = c >> 35n;
  c = ((c & 0x7ffffffffn) << 5n) ^ BigInt(val);
  if (c0 & 1n) c ^= 0xf5dee51989n;
  if (c0 & 2n) c ^= 0xa9fdca3312n;
  if (c0 & 4n) c ^= 0x1bab10e32dn;
  if (c0 & 8n) c ^= 0x3706b1677an;
  if (c0 & 16n) c ^= 0x644d626ffdn;
  return c;
}

/** BIP380 descriptor checksum. */
export function descriptorChecksum(desc: string): string {
  let c = 1n;
  let cls = 0;
  let clsCount = 0;
  for (const ch of desc) {
    const pos = INPUT_CHARSET.indexOf(ch);
    if (pos < 0) return '';
    c = polyMod(c, pos & 31);
    cls = cls * 3 + (pos >> 5);
    if (++clsCount === 3) { c = polyMod(c, cls); cls = 0; clsCount = 0; }
  }
  if (clsCount > 0) c = polyMod(c, cls);
  for (let j = 0; j < 8; j++) c = polyMod(c, 0);
  c ^= 1n;
  let ret = '';
  for (let j = 0; j < 8; j++) ret += CHECKSUM_CHARSET[Number((c >> BigInt(5 * (7 - j))) & 31n)];
  return ret;
}

/** Inferred descriptor Core prints for a script it has no keys for. */
export function scriptDescriptor(s: Buffer): string {
  const type = scriptType(s);
  let d: string;
  if (type === 'pubkey') d = `pk(${s.subarray(1, s.length - 1).toString('hex')})`;
  else {
    const addr = scriptAddress(s);
    d = addr ? `addr(${addr})` : `raw(${s.toString('hex')})`;
  }
  return `${d}#${descriptorChecksum(d)}`;
}

/** Core's scriptPubKey JSON object: asm, desc, hex, address (when any), type. */
export function scriptPubKeyJson(s: Buffer): Record<string, unknown> {
  const o: Record<string, unknown> = { asm: scriptAsm(s), desc: scriptDescriptor(s), hex: s.toString('hex') };
  const addr = scriptAddress(s);
  if (addr) o.address = addr;
  o.type = scriptType(s);
  return o;
}
