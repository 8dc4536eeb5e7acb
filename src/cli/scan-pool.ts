/**
 * Scans files on all cores: on the main thread and on worker threads, and
 * hands back each file's result in the order the files were given, whatever
 * order the threads finish in: the report is the same for any number of
 * threads.
 *
 * Each worker runs this same script (see `bin.ts`), prepares the job once
 * (compiling the rules), then scans the files it is sent with `scanFile`.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import {
  Worker,
  isMainThread,
  parentPort,
  workerData
} from 'node:worker_threads';
import {
  IFileScan,
  IPreparedJob,
  IScanJob,
  prepareJob,
  scanFile
} from './scan-file';

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
const AHEAD = 3;

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
 * Input below this many bytes is scanned on the main thread alone: starting
 * a thread (loading the script, compiling the rules) costs about as much as
 * scanning a few megabytes.
 */
const BYTES_WORTH_A_THREAD = 4 * 1024 * 1024;

/** Whether the files hold at least `bytes` bytes (stops counting there). */
function holdAtLeast(files: readonly string[], bytes: number): boolean {
  let total = 0;
  for (const file of files) {
    try {
      total += statSync(file).size;
    } catch {
      // Reported when the file is scanned.
    }
    if (total >= bytes) {
      return true;
    }
  }
  return false;
}

/** Lets queued events (replies from the threads) run. */
function turn(): Promise<void> {
  return new Promise(resolve => setImmediate(resolve));
}

/**
 * Each file's scan, in the order of `files`. The main thread scans too;
 * with `threads` above 1 and enough input, `threads - 1` worker threads
 * running `script` (see `serveScanWorker`) share the files with it.
 */
export function scanFiles(
  files: readonly string[],
  prepared: IPreparedJob,
  threads: number,
  script: string
): { threads: number; results: AsyncGenerator<IFileScan> } {
  const used =
    Math.min(threads, files.length) > 1 &&
    holdAtLeast(files, BYTES_WORTH_A_THREAD)
      ? Math.min(threads, files.length)
      : 1;
  return {
    threads: used,
    results: scanOnThreads(files, prepared, used - 1, script)
  };
}

async function* scanOnThreads(
  files: readonly string[],
  prepared: IPreparedJob,
  workerCount: number,
  script: string
): AsyncGenerator<IFileScan> {
  const done = new Map<number, IFileScan>();
  let taken = 0; // files handed out so far, to a worker or to this thread
  let failure: Error | null = null;
  let wake = (): void => undefined;
  const send = (worker: Worker): void => {
    if (taken < files.length) {
      const request: IRequest = { index: taken, file: files[taken] };
      worker.postMessage(request);
      taken++;
    }
  };
  const workerData: IWorkerData = { role: ROLE, job: prepared.job };
  const workers = Array.from({ length: workerCount }, () => {
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
        if (taken < files.length) {
          const index = taken++;
          done.set(index, scanFile(files[index], prepared));
          await turn();
        } else {
          await new Promise<void>(resolve => (wake = resolve));
        }
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
