// Worker thread for `custodian pii`: receives batches, returns results (order is restored by the pool).
import { parentPort, workerData } from 'node:worker_threads';
import { processBatch, type PiiBatch, type PiiJobConfig } from './pii-records.js';

const config = workerData as PiiJobConfig;
parentPort!.on('message', (batch: PiiBatch) => {
  parentPort!.postMessage(processBatch(config, batch));
});
