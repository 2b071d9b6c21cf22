import { performance } from 'node:perf_hooks';
import { peakRssMiB } from './stats.ts';

export interface StageFigure {
  stage: string;
  ms: number;
  /** CPU time of this process during the stage (user + system): what the wall time would be on an idle machine. */
  cpuMs: number;
  /** Peak resident set size of the process so far, in MiB (the process starts fresh for each corpus). */
  peakRssMiB: number;
}

/** Records wall time and the running peak RSS of each stage it runs. */
export class StageTimer {
  readonly figures: StageFigure[] = [];

  /** Times `work`; when it returns a promise (the parse stage does), until the promise settles. */
  run<T>(stage: string, work: () => T): T {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const result = work();
    if (result instanceof Promise) return result.finally(() => this.record(stage, start, cpu)) as T;
    this.record(stage, start, cpu);
    return result;
  }

  async runAsync<T>(stage: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const result = await work();
    this.record(stage, start, cpu);
    return result;
  }

  private record(stage: string, start: number, cpuStart: NodeJS.CpuUsage): void {
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    this.figures.push({ stage, ms, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMiB: peakRssMiB() });
  }
}
