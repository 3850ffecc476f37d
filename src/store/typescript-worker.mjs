// Runs a worker thread's TypeScript module under tsx, for tests and `npm run dev`: the loader
// that tsx registers in the main thread does not reach worker threads. The compiled server
// (dist/) starts its worker modules directly and never loads this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.typescriptModule);
