import type { Automaton } from './automaton.js';
import type { ResolvedCompileOptions } from './compile.js';
import { CompiledRuleSet, ENGINE_VERSION, type CompiledState, type PatternTables } from './rule-set.js';
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
  pinyinStateCount: number;
  expansions: [number, number[]][];
  astralCode: [number, number][];
  arrays: { name: string; type: TypeName; offset: number; length: number }[];
}

function typeName(a: Typed): TypeName {
  return a instanceof Int32Array ? 'i32' : a instanceof Uint16Array ? 'u16' : 'u8';
}

const AUTOMATON_ARRAYS = [
  'rootNext',
  'states',
  'edges',
  'hash',
  'latinRows',
  'own',
  'dict',
  'patNext',
  'patLen',
] as const;
const PATTERN_ARRAYS = ['patRule', 'patAllow', 'patInfoStart', 'symInfo'] as const;

function arraysOf(s: CompiledState): Record<string, Typed> {
  const out: Record<string, Typed> = { base: s.fold.base, codes: s.codes, unitCode: s.unitCode };
  const put = (prefix: string, a: Automaton, p: PatternTables) => {
    for (const k of AUTOMATON_ARRAYS) out[`${prefix}.${k}`] = a[k];
    for (const k of PATTERN_ARRAYS) out[`${prefix}.${k}`] = p[k];
  };
  put('main', s.automaton, s.patterns);
  put('pinyin', s.pinyinAutomaton, s.pinyinPatterns);
  return out;
}

function automatonFrom(
  a: Record<string, Typed>,
  prefix: string,
  alphabetSize: number,
  stateCount: number,
): Automaton {
  const get = (k: string) => a[`${prefix}.${k}`] as Int32Array;
  return {
    alphabetSize,
    stateCount,
    rootNext: get('rootNext'),
    states: get('states'),
    edges: get('edges'),
    hash: get('hash'),
    latinRows: get('latinRows'),
    own: get('own'),
    dict: get('dict'),
    patNext: get('patNext'),
    patLen: get('patLen'),
  };
}

function patternsFrom(a: Record<string, Typed>, prefix: string): PatternTables {
  return {
    patRule: a[`${prefix}.patRule`] as Int32Array,
    patAllow: a[`${prefix}.patAllow`] as Uint8Array,
    patInfoStart: a[`${prefix}.patInfoStart`] as Int32Array,
    symInfo: a[`${prefix}.symInfo`] as Uint8Array,
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
    pinyinStateCount: s.pinyinAutomaton.stateCount,
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
    new Uint8Array(buf, dataStart + e.offset, src.byteLength).set(
      new Uint8Array(src.buffer, src.byteOffset, src.byteLength),
    );
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
  if (buf.byteLength < 12 || dv.getUint32(0, true) !== MAGIC)
    throw new Error('not a compiled screening rule set');
  const engine = dv.getUint32(4, true);
  if (engine !== ENGINE_VERSION)
    throw new Error(
      `compiled rule set is from engine ${engine}, this is engine ${ENGINE_VERSION}: recompile it`,
    );
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
    automaton: automatonFrom(a, 'main', h.alphabetSize, h.stateCount),
    patterns: patternsFrom(a, 'main'),
    pinyinAutomaton: automatonFrom(a, 'pinyin', h.alphabetSize, h.pinyinStateCount),
    pinyinPatterns: patternsFrom(a, 'pinyin'),
    codes: a.codes as Uint16Array,
    unitCode: a.unitCode as Uint16Array,
    astralCode: new Map(h.astralCode),
  });
}
