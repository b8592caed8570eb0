/**
 * 1,000 card payments in a row through the till's core (no screen), against the simulator in a process of its
 * own: the time per payment, the heap's growth (after a warm-up) and the handles left open - a leak shows as a
 * heap that keeps its slope, or handles that stay.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TillService } from '../electron/core/service';
import type { SaleLine } from '../shared/payment';
import { ROOT } from '../test/e2e/harness';
import { tempDir } from '../test/helpers/engine';
import { TEST_KEY, until } from '../test/helpers/sim';

const now = () => performance.timeOrigin + performance.now();

/** Runs the 1,000 payments of `lines` each; returns the figures and the benchmark table's row. */
export async function benchCorePayments(lines: SaleLine[]) {
  const gc = (globalThis as { gc?: () => void }).gc;
  // The simulator runs in its own process here, so the heap measured is the till core's alone.
  const simProc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'electron/core/payments/multisafepay/simulator/cli.ts')], {
    env: { ...process.env, SIM_PORT: '0', SIM_API_KEY: TEST_KEY, SIM_TERMINALS: 'CORE1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const simRoot = await new Promise<string>((resolve) => {
    let out = '';
    simProc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
  });
  const simOrigin = new URL(simRoot).origin;
  // Card fields at once: this measures the core's own cost per payment, not MultiSafepay's card delay.
  await fetch(`${simOrigin}/_sim/dialect`, { method: 'POST', body: JSON.stringify({ cardDetailsDelayMs: 0 }) });
  const service = await TillService.create({
    dataDir: tempDir('till-bench-core-'),
    env: { baseUrl: simRoot, apiKey: TEST_KEY, terminalIds: ['CORE1'] },
  });
  const before = process.getActiveResourcesInfo().length;
  const heap: { n: number; mb: number }[] = [];
  // 300 payments first warm up V8 and the HTTP client's pools (their one-off growth is not the till's);
  // then 1,000 in a row are measured.
  const WARMUP = 300;
  let t0 = now();
  for (let i = 1 - WARMUP; i <= 1000; i++) {
    if (i === 1) {
      gc?.();
      heap.push({ n: 0, mb: process.memoryUsage().heapUsed / 1e6 });
      t0 = now();
    }
    const r = await service.dispatch('charge', { terminalId: 'CORE1', lines });
    if (!r.ok) throw new Error(r.error.message);
    const orderId = (r.result as { orderId: string }).orderId;
    await fetch(`${simOrigin}/_sim/orders/${orderId}/complete`, { method: 'POST' });
    await until(() => service.engine.payment(orderId)?.state === 'completed' && service.engine.openHandles === 0, 'final');
    await service.dispatch('dismissPayment', { orderId });
    if (i > 0 && i % 100 === 0) {
      gc?.();
      heap.push({ n: i, mb: process.memoryUsage().heapUsed / 1e6 });
    }
  }
  const ms = now() - t0;
  const leaked = service.engine.openHandles;
  // The ledger on disk (nothing of it is kept in memory).
  const journalKbPer1000 = statSync(service.ledger.path).size / 1024 / 1.3;
  await service.close();
  simProc.kill('SIGTERM');
  await new Promise((r) => simProc.once('exit', r));
  const after = process.getActiveResourcesInfo().length;
  // Least-squares slope of the heap over the measured payments (samples every 100, after the first 100), and the
  // growth over the second half alone: a leak keeps its slope, warm-up flattens out.
  const measured = heap.filter((h) => h.n >= 100);
  const n = measured.length;
  const mx = measured.reduce((s, h) => s + h.n, 0) / n;
  const my = measured.reduce((s, h) => s + h.mb, 0) / n;
  const slope = measured.reduce((s, h) => s + (h.n - mx) * (h.mb - my), 0) / measured.reduce((s, h) => s + (h.n - mx) ** 2, 0);
  const half = measured.find((h) => h.n === 500)!;
  const secondHalfMb = measured.at(-1)!.mb - half.mb;
  const results = {
    ms,
    perPaymentMs: ms / 1000,
    heapMb: heap,
    heapSlopeMbPer1000: slope * 1000,
    heapSecondHalfMb: secondHalfMb,
    ledgerKbPer1000: journalKbPer1000,
    engineHandlesAfter: leaked,
    processHandlesBefore: before,
    processHandlesAfter: after,
    gc: Boolean(gc),
  };
  const row: [string, string, string, string] = [
    '1,000 payments in a row (core)',
    `${(ms / 1000).toFixed(2)} ms each`,
    `heap ${measured[0]!.mb.toFixed(1)} -> ${heap.at(-1)!.mb.toFixed(1)} MB, slope ${(slope * 1000).toFixed(2)} MB/1000, last 500: ${secondHalfMb >= 0 ? '+' : ''}${secondHalfMb.toFixed(2)} MB`,
    `ledger on disk ${journalKbPer1000.toFixed(0)} KiB; leaked handles: engine ${leaked}, process ${after - before}`,
  ];
  return { results, row };
}
