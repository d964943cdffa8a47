/**
 * Peak resident memory of a child process, read from Linux's /proc/<pid>/status (VmHWM, the
 * high-water mark the kernel keeps, so a sample between two peaks loses nothing; polling only
 * has to catch the process alive once after its peak). Elsewhere (no /proc) the peak stays 0.
 */
import { readFileSync } from 'node:fs';

/** Starts polling; the returned function stops it and gives the peak in MB (call it once the process has ended). */
export function watchPeakRss(pid: number | undefined, everyMs = 200): () => number {
  let peakKb = 0;
  const sample = () => {
    if (pid === undefined) return;
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // The process has ended (or there is no /proc): the last sample stands.
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    return Math.round(peakKb / 1024);
  };
}
