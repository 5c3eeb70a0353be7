// English ceiling: node --import tsx bench/screening/ceiling.ts
// How fast can a JavaScript walk over English text be at all? The bare loop, a minimal loop that finds each
// word start and probes one bitset per word (no normalization, no automaton), screen() with one rule and
// with 3,000, and the fastest npm peer, alternating in one process; median of 41 passes, Mchar/s of CPU time.
import { AhoCorasick as MonyoneFastAC } from '@monyone/aho-corasick/fast';
import { compileRules } from '../../src/screening/index.js';
import { makeRules, makeTexts } from './corpus.js';
const c3 = makeRules(3000),
  c50 = makeRules(50000);
const texts = makeTexts('en', 200, 1000, c3.terms);
const chars = texts.reduce((a, t) => a + t.length, 0);
const codes = new Uint16Array(65536);
for (let c = 97; c <= 122; c++) codes[c] = c - 97 + 4;
for (let c = 65; c <= 90; c++) codes[c] = c - 65 + 4;
// All clear: the loop's probe never passes, as for a word no pattern begins with.
const tri = new Int32Array(600);
let sink = 0;
const one = compileRules([{ id: 'x', pattern: 'qqzzx', category: 'gambling', action: 'block' }] as any);
const full3 = compileRules(c3.rules as any);
const p3 = new MonyoneFastAC(c3.terms),
  p50 = new MonyoneFastAC(c50.terms);
const engines: [string, (t: string) => void][] = [
  [
    'bare loop',
    (t) => {
      let s = 0;
      for (let i = 0; i < t.length; i++) s += t.charCodeAt(i);
      sink += s;
    },
  ],
  [
    'minimal word-start loop (no normalization, 1 probe/word)',
    (t) => {
      let n = 0;
      for (let i = 0; i < t.length; i++) {
        const q = codes[t.charCodeAt(i)];
        if (q < 4) continue;
        const y = (q * 62 + codes[t.charCodeAt(i + 1)]) * 62 + codes[t.charCodeAt(i + 2)];
        n += (tri[(y >>> 5) & 511] >>> (y & 31)) & 1;
        let j = i + 1;
        for (; j < t.length; j++) {
          const r = codes[t.charCodeAt(j)];
          if (r < 4 || r >= 66) break;
        }
        i = j;
      }
      sink += n;
    },
  ],
  [
    'custodian screen(), 1 rule',
    (t) => {
      sink += one.screen(t).matches.length;
    },
  ],
  [
    'custodian screen(), 3,000 rules',
    (t) => {
      sink += full3.screen(t).matches.length;
    },
  ],
  [
    '@monyone/aho-corasick/fast, 3,000',
    (t) => {
      sink += p3.matchInText(t).length;
    },
  ],
  [
    '@monyone/aho-corasick/fast, 50,000',
    (t) => {
      sink += p50.matchInText(t).length;
    },
  ],
];
const res = engines.map(() => [] as number[]);
for (let r = 0; r < 41; r++)
  engines.forEach(([, f], k) => {
    const c0 = process.cpuUsage();
    for (const t of texts) f(t);
    const c = process.cpuUsage(c0);
    res[k].push(chars / (c.user + c.system));
  });
engines.forEach(([n], k) => {
  const x = res[k].sort((a, b) => a - b);
  console.log(`| ${n} | ${x[20].toFixed(0)} |`);
});
// Every engine's result feeds the sink, so no loop is optimised away.
if (sink === -1) console.log(sink);
