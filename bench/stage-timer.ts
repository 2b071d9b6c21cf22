import { performance } from 'node:perf_hooks';
import { peakRssMiB } from './stats.ts';

export interface StageFigure {
  stage: string;
  ms: number;
  /** Peak resident set size of the process so far, in MiB (the process starts fresh for each corpus). */
  peakRssMiB: number;
}

/** Records wall time and the running peak RSS of each stage it runs. */
export class StageTimer {
  readonly figures: StageFigure[] = [];

  run<T>(stage: string, work: () => T): T {
    const start = performance.now();
    const result = work();
    this.record(stage, start);
    return result;
  }

  async runAsync<T>(stage: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    const result = await work();
    this.record(stage, start);
    return result;
  }

  private record(stage: string, start: number): void {
    const ms = performance.now() - start;
    this.figures.push({ stage, ms, peakRssMiB: peakRssMiB() });
  }
}
