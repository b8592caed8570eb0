/**
 * One crash-consistency run: a payment on the real headless till, a SIGKILL at a chosen persistence point,
 * a restart on the same data dir, and a check of the invariants:
 * - at most one order per attempt (no create is ever sent twice);
 * - no second attempt while one is non-final (a busy terminal refuses a new charge after the restart);
 * - every outcome MultiSafepay reported is in the ledger, and every order MultiSafepay has is in it;
 * - the guard is held exactly while an attempt is non-final (none left once all are final).
 */
import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import type { FailPoint } from '../../electron/core/engine/engine';
import type { Simulator } from '../../electron/core/payments/multisafepay/simulator/simulator';
import { isFinal, type PaymentView } from '../../shared/payment';
import { startTill } from '../e2e/harness';
import { tempDir } from './engine';
import { TEST_KEY, until } from './sim';
import { WsTill } from './ws-till';

export const POINTS: FailPoint[] = [
  'guard-taken',
  'attempt-journaled',
  'order-created',
  'state-journaled',
  'state-stored',
  'final-journaled',
  'guard-released',
];
export const SCENARIOS = ['approve', 'soft_then_approve', 'cancel_via_till', 'cancel_on_terminal'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface CrashCase {
  point: FailPoint;
  nth: number;
  scenario: Scenario;
}

export interface CrashResult {
  crashed: boolean;
  violations: string[];
}

/** A small seeded PRNG (mulberry32), so randomised runs repeat exactly for a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function caseFromSeed(seed: number): CrashCase {
  const r = prng(seed);
  return {
    point: POINTS[Math.floor(r() * POINTS.length)]!,
    nth: 1 + Math.floor(r() * 2),
    scenario: SCENARIOS[Math.floor(r() * SCENARIOS.length)]!,
  };
}

const isFinalState = (s: PaymentView['state'] | undefined) => s !== undefined && isFinal(s);

const latestPayment = (till: WsTill, terminalId: string): PaymentView | undefined =>
  till.events.flatMap((e) => (e.type === 'payment' && e.payment.terminalId === terminalId ? [e.payment] : [])).at(-1);

export async function runCrashCase(sim: Simulator, c: CrashCase, terminalId: string): Promise<CrashResult> {
  sim.addTerminal(terminalId);
  const dataDir = tempDir('till-crash-');
  const env = { TILL_DATA_DIR: dataDir, TILL_MSP_BASE_URL: sim.apiRoot, TILL_MSP_API_KEY: TEST_KEY, TILL_TERMINAL_IDS: terminalId };
  const violations: string[] = [];
  const first = await startTill({ ...env, TILL_CRASH_AT: `${c.point}:${c.nth}` });
  const died = new Promise<void>((resolve) => first.proc.once('exit', () => resolve()));
  let dead = false;
  void died.then(() => (dead = true));
  const ws1 = await WsTill.connect(first.url);
  ws1.call('charge', { terminalId, lines: [{ name: 'Crash test', unitPrice: 1234, quantity: 1 }] }).catch(() => {});

  // Drive the payment through the scenario until it ends or the till dies.
  const orderFor = () =>
    [...sim.orders.values()].find(
      (o) => o.terminal_id === terminalId && o.history.length > 0 && o.status !== 'cancelled' && o.status !== 'completed',
    );
  const step = async (fn: () => void | Promise<void>, ready: () => boolean) => {
    await until(() => dead || ready(), 'scenario step', 15_000);
    if (!dead) await fn();
  };
  const waiting = () => latestPayment(ws1, terminalId)?.state === 'initialized';
  if (c.scenario === 'soft_then_approve') {
    await step(() => void sim.terminalAction(terminalId, 'soft_decline'), waiting);
    await step(
      () => void sim.terminalAction(terminalId, 'approve'),
      () => latestPayment(ws1, terminalId)?.state === 'initialized' && (orderFor()?.history.length ?? 0) >= 3,
    );
  } else if (c.scenario === 'approve') {
    await step(() => void sim.terminalAction(terminalId, 'approve'), waiting);
  } else if (c.scenario === 'cancel_on_terminal') {
    await step(() => void sim.terminalAction(terminalId, 'cancel'), waiting);
  } else {
    await step(async () => {
      const p = latestPayment(ws1, terminalId)!;
      await ws1.call('cancelPayment', { orderId: p.orderId }).catch(() => {});
    }, waiting);
  }
  await until(() => dead || isFinalState(latestPayment(ws1, terminalId)?.state), 'first run settles', 15_000);
  // A status is published just before it is written, in the same tick: a request sent now is answered only if
  // the till lived through those writes.
  const alive = await ws1.call('snapshot').then(
    (r) => r.ok,
    () => false,
  );
  if (!alive) await died;
  ws1.close();
  const crashed = dead;
  await first.stop('SIGKILL');

  // Restart on the same data dir and let it reconcile.
  const second = await startTill(env);
  const ws2 = await WsTill.connect(second.url);
  const snap = await ws2.call<{ payments: PaymentView[] }>('snapshot');
  const open = snap.result!.payments.filter((p) => !isFinal(p.state));
  if (open.length > 1) violations.push(`${open.length} open attempts on one terminal`);
  if (open.length === 1) {
    const again = await ws2.call('charge', { terminalId, lines: [{ name: 'Second', unitPrice: 100, quantity: 1 }] });
    // Events and answers travel in order on one socket: if the open attempt had ended before the charge was
    // handled, its final event arrived before this answer.
    const endedFirst = ws2.events.some((e) => e.type === 'payment' && e.payment.orderId === open[0]!.orderId && isFinal(e.payment.state));
    if (again.ok && !endedFirst) violations.push('a second attempt was accepted while one was open');
    if (!again.ok && again.error?.code !== 'terminal_busy') violations.push(`unexpected refusal: ${again.error?.message}`);
    // Finish whatever MultiSafepay still has waiting, as the customer would.
    for (const o of sim.orders.values()) if (o.terminal_id === terminalId && o.status === 'initialized') sim.completeOrder(o.order_id);
  }
  await until(
    () => {
      const last = latestPayment(ws2, terminalId) ?? snap.result!.payments.find((p) => p.terminalId === terminalId);
      return !last || isFinal(last.state);
    },
    'recovered payment final',
    15_000,
  );
  ws2.close();
  await second.stop('SIGTERM');

  // Invariants, read from what is on disk and at "MultiSafepay".
  const latest = new Map<string, { state: string }>();
  const db = new DatabaseSync(join(dataDir, 'ledger.sqlite'), { readOnly: true });
  for (const r of db.prepare('SELECT order_id, state FROM attempts').all() as { order_id: string; state: string }[])
    latest.set(r.order_id, { state: r.state });
  db.close();
  const mine = [...latest.keys()];
  // Every order MultiSafepay has for this terminal is in the ledger: no outcome was lost.
  for (const o of sim.orders.values())
    if (o.terminal_id === terminalId && !latest.has(o.order_id))
      violations.push(`order ${o.order_id} exists at MultiSafepay but not in the ledger`);
  for (const id of mine)
    if ((sim.createRequests.get(id) ?? 0) > 1) violations.push(`order ${id} was created ${sim.createRequests.get(id)} times`);
  for (const id of mine) {
    const order = sim.orders.get(id);
    const till = latest.get(id)!.state;
    if (!order) {
      if (till !== 'failed') violations.push(`order ${id} never reached MultiSafepay but the ledger says ${till}`);
    } else if (order.status !== till) violations.push(`MultiSafepay says ${order.status} for ${id}, the ledger says ${till}`);
  }
  const state = JSON.parse(readFileSync(join(dataDir, 'till-state.json'), 'utf8')) as { active?: Record<string, unknown> };
  if (Object.keys(state.active ?? {}).length) violations.push('a guard is still held with every attempt final');
  return {
    crashed,
    violations,
  };
}
