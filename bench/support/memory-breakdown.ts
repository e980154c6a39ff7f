// Where a process's resident memory is: its mappings from /proc/<pid>/smaps grouped by what backs them (the node
// binary, native addons such as the Temporal core bridge, other files, anonymous memory), and the V8 heaps of its
// threads as bench/support/heap-probe.mjs wrote them. V8's heap pages are anonymous mappings, so "native" is the
// resident memory that is not a V8 heap: code mapped from files, malloc (Node's own, the Rust core's), thread stacks.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ThreadHeap } from './heap-probe.mjs';

export interface MemoryBreakdown {
  rssMiB: number;
  /** Resident pages mapped from the node executable. */
  nodeBinaryMiB: number;
  /** Resident pages mapped from native addons (`*.node`: the Temporal core bridge). */
  addonsMiB: number;
  /** Resident pages of other mapped files (shared libraries, ICU data). */
  otherFilesMiB: number;
  /** Anonymous memory: V8's heaps, malloc (the `[heap]` and its mmapped blocks), thread stacks. */
  anonymousMiB: number;
  /** V8's heaps, resident (total_physical_size summed over the threads). */
  v8HeapMiB: number;
  /** Of which live objects and garbage not yet collected (used_heap_size summed). */
  v8UsedMiB: number;
  /** Of which the young generation (new space, new large objects), summed over the threads. */
  v8YoungMiB: number;
  /** V8 heaps per thread, the main thread first. */
  threads: { mainThread: boolean; physicalMiB: number; usedMiB: number }[];
  /** Resident memory that is no V8 heap: rssMiB − v8HeapMiB. */
  nativeMiB: number;
  /** Anonymous memory that is no V8 heap (malloc, stacks): anonymousMiB − v8HeapMiB. */
  nativeAnonymousMiB: number;
}

const mib = (bytes: number) => bytes / 2 ** 20;

/** Resident kB per mapping kind, from /proc/<pid>/smaps. */
function residentByKind(pid: number): { node: number; addons: number; files: number; anonymous: number } {
  const kb = { node: 0, addons: 0, files: 0, anonymous: 0 };
  let kind: keyof typeof kb = 'anonymous';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    // A mapping's header: address range, permissions, offset, device, inode, then the path (if any).
    const header = /^[0-9a-f]+-[0-9a-f]+\s+\S+\s+\S+\s+\S+\s+\d+\s*(.*)$/.exec(line);
    if (header) {
      const path = header[1]?.trim() ?? '';
      kind = !path.startsWith('/')
        ? 'anonymous'
        : /\/node$/.test(path)
          ? 'node'
          : path.endsWith('.node')
            ? 'addons'
            : 'files';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB$/.exec(line);
    if (rss) kb[kind] += Number(rss[1]);
  }
  return kb;
}

/** The latest heap reading of each thread of `pid` that the probe wrote into `probeDir`. */
function threadHeaps(pid: number, probeDir: string): ThreadHeap[] {
  return readdirSync(probeDir)
    .filter((name) => name.startsWith(`${pid}-`) && name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(probeDir, name), 'utf8')) as ThreadHeap)
    .sort((a, b) => a.threadId - b.threadId);
}

export function memoryBreakdown(pid: number, probeDir: string): MemoryBreakdown {
  const kb = residentByKind(pid);
  const heaps = threadHeaps(pid, probeDir);
  const total = (kb.node + kb.addons + kb.files + kb.anonymous) / 1024;
  const v8HeapMiB = mib(heaps.reduce((sum, h) => sum + h.physicalBytes, 0));
  return {
    rssMiB: total,
    nodeBinaryMiB: kb.node / 1024,
    addonsMiB: kb.addons / 1024,
    otherFilesMiB: kb.files / 1024,
    anonymousMiB: kb.anonymous / 1024,
    v8HeapMiB,
    v8UsedMiB: mib(heaps.reduce((sum, h) => sum + h.usedBytes, 0)),
    v8YoungMiB: mib(heaps.reduce((sum, h) => sum + h.youngPhysicalBytes, 0)),
    threads: heaps.map((h) => ({
      mainThread: h.mainThread,
      physicalMiB: mib(h.physicalBytes),
      usedMiB: mib(h.usedBytes),
    })),
    nativeMiB: total - v8HeapMiB,
    nativeAnonymousMiB: kb.anonymous / 1024 - v8HeapMiB,
  };
}
