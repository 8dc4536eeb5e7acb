/**
 * Scans files on all cores: on the main thread and on worker threads, and
 * hands back each file's result in the order the files were given, whatever
 * order the threads finish in: the report is the same for any number of
 * threads.
 *
 * Each worker runs this same script (see `bin.ts`), prepares the job once
 * (compiling the rules), then takes files until none is left. Every thread
 * takes the next file from one shared counter: a worker never waits for the
 * main thread, busy scanning a file of its own, to hand it work.
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
  files: readonly string[];
  /** The shared counter: how many of `files` have been taken. */
  taken: Int32Array;
}

interface IReply {
  index: number;
  result: IFileScan;
}

/** Threads used when `--jobs` is not given: one per core. */
export function defaultThreads(): number {
  return availableParallelism();
}

/** The index of the next file to scan, or -1 when every file is taken. */
function takeNext(files: readonly string[], taken: Int32Array): number {
  const next = Atomics.add(taken, 0, 1);
  return next < files.length ? next : -1;
}

/**
 * Scans files from the shared list when this thread is a worker started by
 * `scanFiles`, then exits; returns false (and does nothing) anywhere else.
 */
export function serveScanWorker(): boolean {
  const data = workerData as IWorkerData | undefined;
  const port = parentPort;
  if (isMainThread || data?.role !== ROLE || !port) {
    return false;
  }
  const prepared = prepareJob(data.job);
  const { files, taken } = data;
  for (
    let index = takeNext(files, taken);
    index >= 0;
    index = takeNext(files, taken)
  ) {
    const reply: IReply = {
      index,
      result: scanFile(files[index], prepared)
    };
    port.postMessage(reply);
  }
  return true;
}

/**
 * Input below this many bytes is scanned on the main thread alone: a thread
 * costs about 0.25 s of CPU (loading the script, compiling the rules and its
 * own hot code), what scanning 3 MB of dense text takes (or about 40 MB of
 * notebooks, whose images are stepped over).
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
  const taken = new Int32Array(new SharedArrayBuffer(4));
  let failure: Error | null = null;
  let wake = (): void => undefined;
  const workerData: IWorkerData = {
    role: ROLE,
    job: prepared.job,
    files,
    taken
  };
  const workers = Array.from({ length: workerCount }, () => {
    const worker = new Worker(script, { workerData });
    worker.on('message', ({ index, result }: IReply) => {
      done.set(index, result);
      wake();
    });
    worker.on('error', error => {
      failure ??= error;
      wake();
    });
    worker.on('exit', code => {
      if (code !== 0) {
        failure ??= new Error(`a scan thread stopped (exit code ${code})`);
      }
      wake();
    });
    return worker;
  });
  let ownTurn = true; // whether this thread still takes files
  try {
    for (let next = 0; next < files.length; next++) {
      let result = done.get(next);
      while (result === undefined) {
        if (failure) {
          throw failure;
        }
        const index = ownTurn ? takeNext(files, taken) : -1;
        if (index >= 0) {
          done.set(index, scanFile(files[index], prepared));
          await turn();
        } else {
          ownTurn = false;
          await new Promise<void>(resolve => (wake = resolve));
        }
        result = done.get(next);
      }
      done.delete(next);
      yield result;
    }
  } finally {
    // Stop the workers' loop if the report was abandoned, then the workers.
    Atomics.store(taken, 0, files.length);
    for (const worker of workers) {
      worker.removeAllListeners('exit');
    }
    await Promise.all(workers.map(worker => worker.terminate()));
  }
}
