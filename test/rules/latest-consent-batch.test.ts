import { describe, expect, it } from 'vitest';
import { batched, type LatestConsent } from '../../src/rules/latest-consent.js';

// How the purpose check's ledger reads are grouped (no store needed: the query is a stand-in).
const turn = () => new Promise((r) => setImmediate(r));
const entry = (subject: string, purpose: string): LatestConsent => ({
  given: 1,
  rules_version: 1,
  separate: `${subject}/${purpose}`,
  created_at: '2026-12-01T00:00:00.000Z',
});

function fakeQuery() {
  const calls: Array<{
    keys: Array<[string, string]>;
    resolve: () => void;
    reject: (e: Error) => void;
  }> = [];
  let running = 0;
  let maxRunning = 0;
  const run = (keys: Array<[string, string]>) =>
    new Promise<Array<LatestConsent | undefined>>((resolve, reject) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      calls.push({
        keys,
        resolve: () => {
          running--;
          // Subjects named "none-…" have no ledger entry.
          resolve(keys.map(([s, p]) => (s.startsWith('none') ? undefined : entry(s, p))));
        },
        reject: (e) => {
          running--;
          reject(e);
        },
      });
    });
  return { run, calls, maxRunning: () => maxRunning };
}

describe('batched ledger reads', () => {
  it('answers the reads of one turn from one query, in the order asked', async () => {
    const q = fakeQuery();
    const read = batched(q.run);
    const answers = Promise.all([
      read('a', 'ads'),
      read('none-b', 'ads'),
      read('a', 'ads'),
      read('a', 'geo'),
    ]);
    await turn();
    expect(q.calls).toHaveLength(1);
    expect(q.calls[0].keys).toEqual([
      ['a', 'ads'],
      ['none-b', 'ads'],
      ['a', 'ads'],
      ['a', 'geo'],
    ]);
    q.calls[0].resolve();
    expect(await answers).toEqual([entry('a', 'ads'), undefined, entry('a', 'ads'), entry('a', 'geo')]);
  });

  it('with one query in flight, holds later reads and sends them together when it returns', async () => {
    const q = fakeQuery();
    const read = batched(q.run, 1);
    const first = Promise.all([read('a', 'ads'), read('b', 'ads')]);
    await turn();
    expect(q.calls).toHaveLength(1);
    // Three more turns of reads while the first query runs: none is sent yet.
    const later = [];
    for (const s of ['c', 'd', 'e']) {
      later.push(read(s, 'ads'));
      await turn();
    }
    expect(q.calls).toHaveLength(1);
    q.calls[0].resolve();
    expect(await first).toEqual([entry('a', 'ads'), entry('b', 'ads')]);
    await turn();
    expect(q.calls).toHaveLength(2);
    expect(q.calls[1].keys.map((k) => k[0])).toEqual(['c', 'd', 'e']);
    q.calls[1].resolve();
    expect(await Promise.all(later)).toEqual(['c', 'd', 'e'].map((s) => entry(s, 'ads')));
    expect(q.maxRunning()).toBe(1);
  });

  it('when a query returns, the reads of the rest of that turn join the next one', async () => {
    const q = fakeQuery();
    const read = batched(q.run, 1);
    const first = read('a', 'ads');
    await turn();
    const held = read('b', 'ads');
    await turn();
    q.calls[0].resolve();
    await first;
    // Still the turn in which the answer arrived (say, an HTTP request read after the database's socket).
    const late = read('c', 'ads');
    expect(q.calls).toHaveLength(1);
    await turn();
    expect(q.calls).toHaveLength(2);
    expect(q.calls[1].keys.map((k) => k[0])).toEqual(['b', 'c']);
    q.calls[1].resolve();
    expect(await Promise.all([held, late])).toEqual([entry('b', 'ads'), entry('c', 'ads')]);
  });

  it('without a bound, sends each turn its own query at once', async () => {
    const q = fakeQuery();
    const read = batched(q.run);
    const a = read('a', 'ads');
    await turn();
    const b = read('b', 'ads');
    await turn();
    expect(q.calls).toHaveLength(2);
    expect(q.maxRunning()).toBe(2);
    for (const c of q.calls) c.resolve();
    expect(await Promise.all([a, b])).toEqual([entry('a', 'ads'), entry('b', 'ads')]);
  });

  it('fails only the reads of a failed query; the held ones still go', async () => {
    const q = fakeQuery();
    const read = batched(q.run, 1);
    const failed = read('a', 'ads');
    await turn();
    const held = read('b', 'ads');
    await turn();
    q.calls[0].reject(new Error('connection lost'));
    await expect(failed).rejects.toThrow('connection lost');
    await turn();
    expect(q.calls).toHaveLength(2);
    q.calls[1].resolve();
    expect(await held).toEqual(entry('b', 'ads'));
  });
});
