import { CompiledRuleSet, ENGINE_VERSION, type CompiledState, type ResolvedCompileOptions } from './compile.js';
import { foldTableFor } from './normalize.js';
import type { Rule } from './rules.js';

const MAGIC = 0x53525343; // "CSRS": Custodian screening rule set

type Typed = Int32Array | Uint16Array | Uint8Array;
const CTORS = { i32: Int32Array, u16: Uint16Array, u8: Uint8Array } as const;
type TypeName = keyof typeof CTORS;

interface Header {
  engine: number;
  version: string;
  rules: Rule[];
  options: ResolvedCompileOptions;
  alphabetSize: number;
  stateCount: number;
  expansions: [number, number[]][];
  astralCode: [number, number][];
  arrays: { name: string; type: TypeName; offset: number; length: number }[];
}

function typeName(a: Typed): TypeName {
  return a instanceof Int32Array ? 'i32' : a instanceof Uint16Array ? 'u16' : 'u8';
}

function arraysOf(s: CompiledState): Record<string, Typed> {
  const a = s.automaton;
  const p = s.patterns;
  return {
    base: s.fold.base,
    codes: s.codes,
    unitCode: s.unitCode,
    rootNext: a.rootNext,
    states: a.states,
    edges: a.edges,
    hash: a.hash,
    own: a.own,
    dict: a.dict,
    patNext: a.patNext,
    patLen: a.patLen,
    patRule: p.patRule,
    patAllow: p.patAllow,
    patInfoStart: p.patInfoStart,
    symInfo: p.symInfo,
  };
}

/**
 * One ArrayBuffer holding the compiled set: a JSON header (rules, options, small maps) and every typed
 * array, 8-byte aligned, so a worker can rebuild it without recompiling (`postMessage(buf, [buf])`).
 */
export function serializeState(s: CompiledState): ArrayBuffer {
  const arrays = arraysOf(s);
  const entries: Header['arrays'] = [];
  let offset = 0;
  for (const [name, arr] of Object.entries(arrays)) {
    entries.push({ name, type: typeName(arr), offset, length: arr.length });
    offset += Math.ceil(arr.byteLength / 8) * 8;
  }
  const header: Header = {
    engine: ENGINE_VERSION,
    version: s.version,
    rules: s.rules,
    options: s.options,
    alphabetSize: s.automaton.alphabetSize,
    stateCount: s.automaton.stateCount,
    expansions: [...s.fold.expansions],
    astralCode: [...s.astralCode],
    arrays: entries,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((12 + json.length) / 8) * 8;
  const buf = new ArrayBuffer(dataStart + offset);
  const dv = new DataView(buf);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, ENGINE_VERSION, true);
  dv.setUint32(8, json.length, true);
  new Uint8Array(buf, 12, json.length).set(json);
  for (const e of entries) {
    const src = arrays[e.name];
    new Uint8Array(buf, dataStart + e.offset, src.byteLength).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
  }
  return buf;
}

/**
 * Rebuilds a compiled rule set from `toBuffer()` output (in a worker thread, another process, a cache).
 * The typed arrays are views on the buffer: nothing is recompiled.
 *
 * @example
 * const buf = compileRules(rules).toBuffer();
 * const again = fromBuffer(buf);
 * again.screen('赌博').decision; // 'block'
 */
export function fromBuffer(input: ArrayBuffer | Uint8Array): CompiledRuleSet {
  let buf: ArrayBuffer;
  if (input instanceof Uint8Array) {
    // Views need an aligned, private buffer.
    buf = new ArrayBuffer(input.byteLength);
    new Uint8Array(buf).set(input);
  } else buf = input;
  const dv = new DataView(buf);
  if (buf.byteLength < 12 || dv.getUint32(0, true) !== MAGIC) throw new Error('not a compiled screening rule set');
  const engine = dv.getUint32(4, true);
  if (engine !== ENGINE_VERSION) throw new Error(`compiled rule set is from engine ${engine}, this is engine ${ENGINE_VERSION}: recompile it`);
  const len = dv.getUint32(8, true);
  const h = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 12, len))) as Header;
  const dataStart = Math.ceil((12 + len) / 8) * 8;
  const a: Record<string, Typed> = {};
  for (const e of h.arrays) a[e.name] = new CTORS[e.type](buf, dataStart + e.offset, e.length);
  const fold = foldTableFor(h.options, 'match', {
    base: a.base as Uint16Array,
    expansions: new Map(h.expansions),
  });
  return new CompiledRuleSet({
    rules: h.rules,
    options: h.options,
    version: h.version,
    fold,
    automaton: {
      alphabetSize: h.alphabetSize,
      stateCount: h.stateCount,
      rootNext: a.rootNext as Int32Array,
      states: a.states as Int32Array,
      edges: a.edges as Int32Array,
      hash: a.hash as Int32Array,
      own: a.own as Int32Array,
      dict: a.dict as Int32Array,
      patNext: a.patNext as Int32Array,
      patLen: a.patLen as Int32Array,
    },
    patterns: {
      patRule: a.patRule as Int32Array,
      patAllow: a.patAllow as Uint8Array,
      patInfoStart: a.patInfoStart as Int32Array,
      symInfo: a.symInfo as Uint8Array,
    },
    codes: a.codes as Uint16Array,
    unitCode: a.unitCode as Uint16Array,
    astralCode: new Map(h.astralCode),
  });
}
