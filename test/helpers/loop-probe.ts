/**
 * Watches the event loop from now until `stop`: the wall-clock gap between its turns (which includes time the
 * machine gave to other programs) and this thread's own CPU time in each gap (what the process itself held).
 */
export function watchLoop(): { stop(): { gaps: number[]; held: number[] } } {
  const gaps: number[] = [];
  const held: number[] = [];
  let running = true;
  let lastTurn = performance.now();
  let lastCpu = process.threadCpuUsage();
  const probe = () => {
    const t = performance.now();
    const cpu = process.threadCpuUsage();
    gaps.push(t - lastTurn);
    held.push((cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000);
    lastTurn = t;
    lastCpu = cpu;
    if (running) setImmediate(probe);
  };
  setImmediate(probe);
  return {
    stop: () => {
      running = false;
      return { gaps, held };
    },
  };
}
