// Runs batches on worker threads (or in process) and hands results back strictly in submission order.
import { Worker } from 'node:worker_threads';
import { processBatch, type PiiBatch, type PiiBatchResult, type PiiJobConfig } from './pii-records.js';

interface Job {
  batch: PiiBatch;
  resolve: (r: PiiBatchResult) => void;
  reject: (e: Error) => void;
}

/** Starts the worker: the built .js next to this file, or the .ts source through tsx when running from source. */
function spawnWorker(config: PiiJobConfig): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const url = new URL('./pii-worker.ts', here).href;
    const api = import.meta.resolve('tsx/esm/api');
    const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); })`;
    return new Worker(boot, { eval: true, workerData: config });
  }
  return new Worker(new URL('./pii-worker.js', here), { workerData: config });
}

/** A fixed set of workers; each takes the next queued batch when it finishes one. */
export class WorkerRunner {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private failure: Error | null = null;

  constructor(config: PiiJobConfig, count: number) {
    for (let k = 0; k < count; k++) {
      const w = spawnWorker(config);
      w.on('message', (r: PiiBatchResult) => {
        const job = this.busy.get(w);
        this.busy.delete(w);
        job?.resolve(r);
        this.next(w);
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0 && !this.failure) this.fail(new Error(`worker exited with code ${code}`));
      });
      this.idle.push(w);
    }
  }

  run(batch: PiiBatch): Promise<PiiBatchResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      const w = this.idle.pop();
      if (w) this.next(w);
    });
  }

  private next(w: Worker): void {
    const job = this.queue.shift();
    if (!job) {
      this.idle.push(w);
      return;
    }
    this.busy.set(w, job);
    w.postMessage(job.batch);
  }

  private fail(e: Error): void {
    this.failure = e;
    for (const job of [...this.busy.values(), ...this.queue.splice(0)]) job.reject(e);
    this.busy.clear();
  }

  async close(): Promise<void> {
    const all = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
  }
}

/** Same interface, no threads (`--workers 0`). */
export class InlineRunner {
  constructor(private readonly config: PiiJobConfig) {}
  run(batch: PiiBatch): Promise<PiiBatchResult> {
    return Promise.resolve().then(() => processBatch(this.config, batch));
  }
  async close(): Promise<void> {}
}

export type BatchRunner = Pick<WorkerRunner, 'run' | 'close'>;

/**
 * Bounded, ordered pipeline: at most `maxInFlight` batches are being processed or waiting to be written,
 * so memory stays constant; results are delivered in sequence order.
 */
export class OrderedPipeline {
  private nextSeq = 0;
  private inFlight = 0;
  private readonly done = new Map<number, PiiBatchResult>();
  private waiters: (() => void)[] = [];
  private error: Error | null = null;

  constructor(
    private readonly runner: BatchRunner,
    private readonly deliver: (r: PiiBatchResult) => Promise<void> | void,
    private readonly maxInFlight: number,
  ) {}

  async submit(batch: PiiBatch): Promise<void> {
    while (this.inFlight >= this.maxInFlight && !this.error)
      await new Promise<void>((r) => this.waiters.push(r));
    if (this.error) throw this.error;
    this.inFlight++;
    this.runner.run(batch).then(
      (r) => {
        this.done.set(r.seq, r);
        void this.flush();
      },
      (e: Error) => {
        this.error = e;
        this.wake();
      },
    );
  }

  private flushing = false;
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      let r: PiiBatchResult | undefined;
      while ((r = this.done.get(this.nextSeq))) {
        this.done.delete(this.nextSeq);
        this.nextSeq++;
        await this.deliver(r);
        this.inFlight--;
        this.wake();
      }
    } catch (e) {
      this.error = e as Error;
      this.wake();
    } finally {
      this.flushing = false;
    }
    if (this.done.has(this.nextSeq)) void this.flush();
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  /** Waits until every submitted batch has been delivered. */
  async finish(): Promise<void> {
    while (this.inFlight > 0 && !this.error) await new Promise<void>((r) => this.waiters.push(r));
    if (this.error) throw this.error;
  }
}
