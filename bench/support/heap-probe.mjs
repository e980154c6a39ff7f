// A preload for a process under measurement (`NODE_OPTIONS=--import=<this file>`): when the environment names a
// directory, every JavaScript thread of the process — the main thread and each worker thread, such as the Temporal
// SDK's workflow thread, which loads preloads too — writes its V8 heap statistics there once a second, one file per
// thread (`<pid>-<threadId>.json`). VmRSS alone cannot tell V8's heaps from native memory; these files can. The timer
// is unref'd, so the probe never keeps a process alive. Plain JavaScript: it runs in the compiled form as well.

import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { isMainThread, threadId } from 'node:worker_threads';

/** The environment variable naming the directory; unset, the probe does nothing. */
export const heapProbeDirVariable = 'ENTRA_SAGA_BENCH_HEAP_PROBE_DIR';

/**
 * @typedef {object} ThreadHeap
 * @property {number} pid
 * @property {number} threadId
 * @property {boolean} mainThread
 * @property {number} physicalBytes pages of the heap resident in memory (V8's total_physical_size)
 * @property {number} committedBytes the heap's reserved size (total_heap_size)
 * @property {number} usedBytes live objects and garbage not yet collected (used_heap_size)
 * @property {number} youngPhysicalBytes of physicalBytes, the young generation (new space and new large objects),
 *   which grows while a process starts and is given back only when V8's memory reducer finds the process idle
 * @property {number} externalBytes memory outside the heap that V8 objects hold (external_memory)
 * @property {number} atMs when it was written (Date.now())
 */

const dir = process.env[heapProbeDirVariable];
if (dir) {
  const write = () => {
    const heap = getHeapStatistics();
    const young = getHeapSpaceStatistics().filter((space) => space.space_name.startsWith('new_'));
    /** @type {ThreadHeap} */
    const reading = {
      pid: process.pid,
      threadId,
      mainThread: isMainThread,
      physicalBytes: heap.total_physical_size,
      committedBytes: heap.total_heap_size,
      usedBytes: heap.used_heap_size,
      youngPhysicalBytes: young.reduce((sum, space) => sum + space.physical_space_size, 0),
      externalBytes: heap.external_memory,
      atMs: Date.now(),
    };
    // Written beside and renamed, so that a reader never meets half a file.
    const file = join(dir, `${process.pid}-${threadId}.json`);
    writeFileSync(`${file}.next`, JSON.stringify(reading));
    renameSync(`${file}.next`, file);
  };
  write();
  setInterval(write, 1000).unref();
}
