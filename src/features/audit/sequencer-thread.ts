import { Worker } from 'node:worker_threads';
import type { DatabaseTarget } from '../../config.js';
import type { Logger } from '../../logger.js';

/** What the sequencer's thread is started with (copied to it). */
export interface SequencerThreadOptions {
  database: DatabaseTarget;
  issuer: string;
  intervalMs: number;
  logLevel: string;
}

/**
 * The thread's heap: a batch is a thousand entries, so a small young generation suffices, and V8's default
 * (up to 48 MB of it per thread) would only add to the gateway's resident memory.
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 128 };

/** How long a stopping gateway waits for the batch in flight before ending the thread. */
const STOP_GRACE_MS = 10_000;

/**
 * Runs the audit sequencer (`AuditTree.sequence`, every `intervalMs`) in a worker thread with its own database
 * handle. Sequencing reads each new entry, hashes it and writes its leaf and subtrees; in the gateway's event loop
 * that work would sit between the requests that append the entries. In its own thread it uses the other core: on
 * PostgreSQL the advisory lock still lets one instance at a time sequence; on SQLite (WAL) its reads run beside the
 * gateway's, and only its commit, one short `BEGIN IMMEDIATE`, takes turns with the gateway's writes.
 * Not for an in-memory SQLite database, which another connection cannot open (the caller sequences in-process there).
 */
export function startSequencerThread(options: SequencerThreadOptions, logger: Logger): { stop(): Promise<void> } {
  const worker = import.meta.url.endsWith('.ts')
    ? // From source (development, tests): a thread does not get the parent's `--import tsx`, so it registers tsx first.
      new Worker(
        `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(new URL('./sequencer-worker.ts', import.meta.url).href)}); })`,
        { eval: true, workerData: options, resourceLimits: RESOURCE_LIMITS },
      )
    : new Worker(new URL('./sequencer-worker.js', import.meta.url), { workerData: options, resourceLimits: RESOURCE_LIMITS });
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', (err) => logger.error({ err }, 'the audit sequencer thread failed'));
  worker.once('exit', (code) => {
    if (!stopping) logger.error({ code }, 'the audit sequencer thread ended; new audit entries get no leaf until the gateway restarts');
  });
  return {
    async stop() {
      stopping = true;
      worker.postMessage('stop');
      const grace = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
      await exited;
      clearTimeout(grace);
    },
  };
}
