// Preloaded into a measured process (node --import): at exit, writes its own CPU time and peak RSS as JSON to
// the file BENCH_USAGE_FILE names. Plain JavaScript, so it adds no loader to the process it measures.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  writeFileSync(process.env.BENCH_USAGE_FILE, JSON.stringify({ cpuMs, peakRssMiB: usage.maxRSS / 1024 }));
});
