/**
 * Scans files on worker threads, one per core, and hands back each file's
 * result in the order the files were given, whatever order the threads
 * finish in: the report is the same for any number of threads.
 *
 * Each worker runs this same script (see `bin.ts`), prepares the job once
 * (compiling the rules), then scans the files it is sent with `scanFile`.
 */
import { availableParallelism } from 'node:os';
import {
  Worker,
  isMainThread,
  parentPort,
  workerData
} from 'node:worker_threads';
import { IFileScan, IScanJob, prepareJob, scanFile } from './scan-file';

/** Tells this module's workers from any other worker thread. */
const ROLE = 'jupyterlab-secret-mounts scan';

interface IWorkerData {
  role: typeof ROLE;
  job: IScanJob;
}

interface IRequest {
  index: number;
  file: string;
}

interface IReply {
  index: number;
  result: IFileScan;
}

/**
 * Files sent to a worker ahead of the one it is scanning, so that it never
 * waits for the main thread between two files.
 */
const AHEAD = 2;

/** Threads used when `--jobs` is not given: one per core. */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * Serves scan requests when this thread is a worker started by `scanFiles`;
 * returns false (and does nothing) anywhere else.
 */
export function serveScanWorker(): boolean {
  const data = workerData as IWorkerData | undefined;
  const port = parentPort;
  if (isMainThread || data?.role !== ROLE || !port) {
    return false;
  }
  const prepared = prepareJob(data.job);
  port.on('message', ({ index, file }: IRequest) => {
    const reply: IReply = { index, result: scanFile(file, prepared) };
    port.postMessage(reply);
  });
  return true;
}

/**
 * Each file's scan, in the order of `files`. With `threads` above 1 (and
 * more than one file) the files are scanned by that many worker threads
 * running `script`; otherwise here, one after the other.
 */
export async function* scanFiles(
  files: readonly string[],
  job: IScanJob,
  threads: number,
  script: string
): AsyncGenerator<IFileScan> {
  const count = Math.min(threads, files.length);
  if (count <= 1) {
    const prepared = prepareJob(job);
    for (const file of files) {
      yield scanFile(file, prepared);
    }
    return;
  }
  const done = new Map<number, IFileScan>();
  let sent = 0;
  let failure: Error | null = null;
  let wake = (): void => undefined;
  const send = (worker: Worker): void => {
    if (sent < files.length) {
      const request: IRequest = { index: sent, file: files[sent] };
      worker.postMessage(request);
      sent++;
    }
  };
  const workerData: IWorkerData = { role: ROLE, job };
  const workers = Array.from({ length: count }, () => {
    const worker = new Worker(script, { workerData });
    worker.on('message', ({ index, result }: IReply) => {
      done.set(index, result);
      send(worker);
      wake();
    });
    worker.on('error', error => {
      failure ??= error;
      wake();
    });
    worker.on('exit', code => {
      failure ??= new Error(`a scan thread stopped (exit code ${code})`);
      wake();
    });
    for (let i = 0; i < AHEAD; i++) {
      send(worker);
    }
    return worker;
  });
  try {
    for (let next = 0; next < files.length; next++) {
      let result = done.get(next);
      while (result === undefined) {
        if (failure) {
          throw failure;
        }
        await new Promise<void>(resolve => (wake = resolve));
        result = done.get(next);
      }
      done.delete(next);
      yield result;
    }
  } finally {
    for (const worker of workers) {
      worker.removeAllListeners('exit');
    }
    await Promise.all(workers.map(worker => worker.terminate()));
  }
}
