/**
 * The fault matrix: what shops live with (flaky networks, MultiSafepay hiccups, junk on the stream, damaged or
 * full disks, bad input), each against the real engine or service and the simulator over loopback.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { MspError } from '../../electron/core/payments/multisafepay/errors';
import { TillService } from '../../electron/core/service';
import { Ledger } from '../../electron/core/ledger/ledger';
import { isDiskFull, storageFailure } from '../../electron/core/storage/disk';
import { startHeadlessServer } from '../../electron/server/server';
import type { PaymentView } from '../../shared/payment';
import { engineWithSim, FAST_TIMING, LINES, makeEngine, tempDir } from '../helpers/engine';
import { startSim, TEST_KEY, until } from '../helpers/sim';
import { smallDisk, smallDiskSkipReason } from '../helpers/small-disk';
import { socketFor, WsTill } from '../helpers/ws-till';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
const setup = (simOpts: Parameters<typeof startSim>[0] = {}) => engineWithSim(cleanups, simOpts);
const charge = (t: Awaited<ReturnType<typeof setup>>, terminalId = 'DEMO0001') =>
  t.engine.charge({ terminalId, lines: LINES, currency: 'EUR' });

describe('network faults', () => {
  for (const at of ['initialized', 'soft_declined', 'cancelling'] as const) {
    it(`stream dropped while ${at}: reconnects, re-reads, reaches the final status`, async () => {
      const t = await setup({ softDeclineRetryMs: 60_000 });
      const p = await charge(t);
      await until(() => t.sim.openStreams === 1, 'stream');
      let cancel: Promise<unknown> | undefined;
      if (at === 'soft_declined') {
        t.sim.terminalAction('DEMO0001', 'soft_decline');
        await t.waitFor(p.orderId, (x) => x.state === 'soft_declined');
      }
      if (at === 'cancelling') {
        t.sim.faults.cancelDelayMs = 300;
        cancel = t.engine.cancel(p.orderId);
        await t.waitFor(p.orderId, (x) => x.state === 'cancelling');
      }
      const connectsBefore = t.sim.streamConnects.length;
      t.sim.dropStreams();
      await t.waitFor(p.orderId, (x) => x.connection !== 'live');
      if (at === 'cancelling') {
        await cancel;
        await t.waitFor(p.orderId, (x) => x.state === 'cancelled');
      } else {
        await until(() => t.sim.streamConnects.length > connectsBefore && t.sim.openStreams === 1, 'reconnected');
        await t.waitFor(p.orderId, (x) => x.connection === 'live');
        t.sim.completeOrder(p.orderId);
        await t.waitFor(p.orderId, (x) => x.state === 'completed');
      }
      expect(t.sim.createRequests.get(p.orderId)).toBe(1);
    });
  }

  it('expired events token from the start (401): follows by polling to the end', async () => {
    const t = await setup({ tokenTtlMs: -1000 });
    const p = await charge(t);
    await t.waitFor(p.orderId, (x) => x.connection === 'live');
    expect(t.sim.openStreams).toBe(0);
    t.sim.terminalAction('DEMO0001', 'approve');
    await t.waitFor(p.orderId, (x) => x.state === 'completed');
  });

  it('create delayed but answered in time: one order, followed normally', async () => {
    const t = await setup();
    t.sim.faults.createDelayMs = 300;
    const p = await charge(t);
    expect(p.state).toBe('initialized');
    expect(t.sim.createRequests.get(p.orderId)).toBe(1);
  });

  it('create answered after the client gave up: the order is found and followed, never re-sent', async () => {
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const { MspClient } = await import('../../electron/core/payments/multisafepay/client');
    const impatient = new MspClient({ baseUrl: s.root, apiKey: TEST_KEY, timeoutMs: 100, retryDelayMs: 5 });
    const e = makeEngine(impatient);
    cleanups.push(e.stop);
    s.sim.faults.createDelayMs = 200; // longer than the client waits, shorter than the grace for "not found"
    const p = await e.engine.charge({ terminalId: 'DEMO0001', lines: LINES, currency: 'EUR' });
    expect(p.state).toBe('creating');
    await e.waitFor(p.orderId, (x) => x.state === 'initialized');
    expect(s.sim.createRequests.get(p.orderId)).toBe(1);
  });

  const CODES: [number, number, RegExp][] = [
    [1000, 200, /refused the request/],
    [1001, 200, /amount was refused/],
    [1002, 200, /currency was refused/],
    [1008, 200, /description was refused/],
    [1019, 200, /not active/],
    [1023, 200, /unavailable/],
    [1032, 401, /API key was refused/],
    [1000, 409, /terminal is busy/],
    [1000, 422, /refused the request/],
  ];
  for (const [code, status, message] of CODES) {
    it(`create refused with error ${code} (HTTP ${status}): failed with a cashier sentence, code kept, terminal free`, async () => {
      const t = await setup();
      t.sim.faults.createFail = { times: 1, status, code };
      const p = await charge(t);
      expect(p.state).toBe('failed');
      expect(p.message).toMatch(message);
      expect(p.message).toContain(`code ${code}`);
      expect(t.engine.busyOrderId('DEMO0001')).toBeUndefined();
      expect(t.sim.orders.has(p.orderId)).toBe(false);
    });
  }

  it('create failing with 5xx or 1006 and no order behind it: failed "not sent", never re-sent', async () => {
    for (const fail of [{ status: 500 }, { status: 502 }, { status: 200, code: 1006 }]) {
      const t = await setup();
      t.sim.faults.createFail = { times: 1, ...fail };
      const p = await charge(t);
      const f = await t.waitFor(p.orderId, (x) => x.state === 'failed');
      expect(f.message).toMatch(/never reached MultiSafepay/);
      expect(t.sim.createRequests.get(p.orderId)).toBe(1);
    }
  });

  it('GET order failing while reconciling: reported as unreachable, nothing changes', async () => {
    const t = await setup();
    const p = await charge(t);
    t.sim.completeOrder(p.orderId);
    await t.waitFor(p.orderId, (x) => x.state === 'completed');
    t.sim.faults.getFail = 100;
    const rec = await t.engine.reconcile(0, Date.now() + 1);
    expect(rec.mismatches).toEqual([expect.objectContaining({ orderId: p.orderId, kind: 'unreachable' })]);
    expect(t.ledger.attempt(p.orderId)?.state).toBe('completed');
  });

  it('cancel failing with no answer: back to waiting with a message, the guard kept', async () => {
    const t = await setup();
    const p = await charge(t);
    t.sim.faults.cancelFail = 5;
    const r = await t.engine.cancel(p.orderId);
    expect(r.state).toBe('initialized');
    expect(r.message).toMatch(/cancel did not go through/);
    expect(t.engine.busyOrderId('DEMO0001')).toBe(p.orderId);
  });

  it('a silent stream (no events, no keep-alives) cannot hide an outcome: the safety poll finds it', async () => {
    const t = await setup();
    const p = await charge(t);
    await t.waitFor(p.orderId, (x) => x.connection === 'live');
    t.sim.faults.silent = true;
    // The stream is open and the till has read the order once since (its catch-up on opening): from here on only a
    // later read can bring the outcome, the stream says nothing.
    const read = `/orders/${p.orderId}`;
    await until(
      () => (t.sim.openStreams > 0 && t.sim.requestLog.some((u) => u.endsWith(read)) ? true : undefined),
      'stream open, order read',
    );
    t.sim.terminalAction('DEMO0001', 'approve');
    await until(() => t.sim.orders.get(p.orderId)?.status === 'completed', 'paid');
    expect(t.engine.payment(p.orderId)?.state).toBe('initialized');
    await t.waitFor(p.orderId, (x) => x.state === 'completed');
  });
});

describe('event faults', () => {
  it('stale events after a final status are ignored: the record never moves backwards', async () => {
    const t = await setup();
    Object.assign(t.sim.faults, { reorderEvents: true, duplicateEvents: true });
    const p = await charge(t);
    await until(() => t.sim.openStreams === 1, 'stream');
    t.sim.terminalAction('DEMO0001', 'soft_decline');
    await t.waitFor(p.orderId, (x) => x.state === 'initialized' && t.sim.orders.get(p.orderId)!.history.length === 3);
    t.sim.terminalAction('DEMO0001', 'approve');
    await t.waitFor(p.orderId, (x) => x.state === 'completed' && !!x.card);
    // Every state the till published (each one was written to the ledger in the same tick).
    const states = t.events
      .flatMap((e) => (e.type === 'payment' && e.payment.orderId === p.orderId ? [e.payment.state as string] : []))
      .filter((st, i, all) => all[i - 1] !== st);
    expect(states.slice(0, 3)).toEqual(['creating', 'initialized', 'soft_declined']);
    const firstFinal = states.indexOf('completed');
    expect(states.slice(firstFinal).every((s) => s === 'completed')).toBe(true);
    expect(t.ledger.attempt(p.orderId)?.state).toBe('completed');
  });

  it('malformed data, unknown types, comments, other orders and 256 KiB lines: ignored, no errors', async () => {
    const t = await setup();
    Object.assign(t.sim.faults, { junkEvents: true, hugeLines: true });
    const p = await charge(t);
    await until(() => t.sim.openStreams === 1, 'stream');
    t.sim.terminalAction('DEMO0001', 'cancel');
    await t.waitFor(p.orderId, (x) => x.state === 'cancelled');
    expect(t.sim.streamConnects.length).toBe(1); // the junk never broke the stream
  });
});

describe('storage faults', () => {
  it('a journal from an earlier version with a torn last line and a corrupt line: imported once, the rest left out, the file kept', async () => {
    const dir = tempDir();
    const sale = (n: number) =>
      JSON.stringify({
        k: 'cash',
        at: 1_700_000_000_000 + n,
        saleId: `old-c${n}`,
        lines: LINES,
        total: 700,
        currency: 'EUR',
        given: 1000,
        change: 300,
      });
    writeFileSync(join(dir, 'journal.jsonl'), `${sale(1)}\n{garbage\n${sale(2)}\n{"k":"cash","at":1,"sal`);
    const first = await TillService.create({ dataDir: dir });
    const snap = (await first.dispatch('snapshot', {})) as { ok: true; result: { notices: { message: string }[] } };
    expect(snap.result.notices.map((n) => n.message).join(' ')).toMatch(/2 entries, 2 unreadable line\(s\) left out/);
    const history = (await first.dispatch('history', {})) as { ok: true; result: { saleId: string }[] };
    expect(history.result.map((s) => s.saleId)).toEqual(['old-c2', 'old-c1']);
    await first.close();
    expect(existsSync(join(dir, 'journal.jsonl'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('journal.jsonl.imported-'))).toHaveLength(1);
    // A second start imports nothing again.
    const second = await TillService.create({ dataDir: dir });
    cleanups.push(() => second.close());
    expect(second.ledger.counts().sales).toBe(2);
  });

  it('a ledger file that is not a database: kept aside, a new one started, open payments restored from the guard, the cashier told', async () => {
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const dir = tempDir();
    const env = { baseUrl: s.root, apiKey: TEST_KEY, terminalIds: ['DEMO0001'] };
    const first = await TillService.create({ dataDir: dir, env, timing: FAST_TIMING });
    const charged = (await first.dispatch('charge', { terminalId: 'DEMO0001', lines: LINES })) as { ok: true; result: { orderId: string } };
    await first.close();
    for (const f of readdirSync(dir)) if (f.startsWith('ledger.sqlite')) rmSync(join(dir, f));
    writeFileSync(join(dir, 'ledger.sqlite'), 'this is not a database, just text that was written over it '.repeat(200));
    const second = await TillService.create({ dataDir: dir, env, timing: FAST_TIMING });
    cleanups.push(() => second.close());
    const snap = (await second.dispatch('snapshot', {})) as { ok: true; result: { notices: { message: string }[] } };
    expect(snap.result.notices.map((n) => n.message).join(' ')).toMatch(/sales ledger could not be read. It was kept aside/);
    expect(readdirSync(dir).some((f) => f.startsWith('ledger.sqlite.damaged-'))).toBe(true);
    // The open payment comes back from the guard and is followed to its outcome.
    expect(second.engine.payment(charged.result.orderId)?.recovered).toBe(true);
    s.sim.terminalAction('DEMO0001', 'approve');
    await until(() => second.ledger.attempt(charged.result.orderId)?.state === 'completed', 'outcome recorded in the new ledger');
  });

  it('a corrupt store and settings file: the till starts, keeps them aside, and tells the cashier', async () => {
    const dir = tempDir();
    await (await TillService.create({ dataDir: dir })).close();
    writeFileSync(join(dir, 'till-state.json'), '{"active":');
    writeFileSync(join(dir, 'settings.json'), '\u0000\u0000');
    const svc = await TillService.create({ dataDir: dir });
    cleanups.push(() => svc.close());
    const snap = (await svc.dispatch('snapshot', {})) as { ok: true; result: { notices: { message: string }[] } };
    const text = snap.result.notices.map((n) => n.message).join(' ');
    expect(text).toMatch(/payment state file was damaged/);
    expect(text).toMatch(/settings file was damaged/);
    expect(readdirSync(dir).filter((f) => f.includes('.damaged-'))).toHaveLength(2);
  });

  const tmpfsReason = smallDiskSkipReason();
  if (tmpfsReason) console.warn(`[faults] ${tmpfsReason}`);

  it.skipIf(Boolean(tmpfsReason))(
    'disk full: a ledger write fails cleanly, what was committed stays, and writing works again once there is room',
    () => {
      // Room for the ledger's schema and its write-ahead log at open; fill() then takes every byte that is left.
      const disk = smallDisk('2m', cleanups);
      const path = join(disk.dir, 'ledger.sqlite');
      const ledger = new Ledger(path);
      cleanups.push(() => ledger.close());
      const cash = (n: number, name = 'Coffee') => ({
        saleId: `c${n}`,
        at: 1_700_000_000_000 + n,
        lines: [{ name, unitPrice: 350, quantity: 2 }],
        total: 700,
        currency: 'EUR',
        given: 700,
        change: 0,
      });
      ledger.recordCashSale(cash(1));
      // Fill the disk, leaving less room than the next sale needs.
      expect(disk.fill()).toBe('ENOSPC');
      let full: unknown;
      try {
        ledger.recordCashSale(cash(2, 'x'.repeat(60_000)));
      } catch (e) {
        full = e;
      }
      // SQLite's own "disk is full" is told to the cashier as such, not as a vague write failure.
      expect(isDiskFull(full)).toBe(true);
      expect(storageFailure(full).message).toMatch(/^The disk is full/);
      expect(ledger.counts().sales).toBe(1);
      disk.free();
      ledger.recordCashSale(cash(3));
      ledger.close();
      const again = new Ledger(path);
      cleanups.push(() => again.close());
      expect(again.history.page({}).map((s) => s.saleId)).toEqual(['c3', 'c1']);
    },
  );

  it.skipIf(Boolean(tmpfsReason))('disk full at charge: a clear error, no order sent, the terminal stays free', async () => {
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const disk = smallDisk('1m', cleanups);
    const mnt = disk.dir;
    mkdirSync(join(mnt, 'data'));
    const svc = await TillService.create({
      dataDir: join(mnt, 'data'),
      env: { baseUrl: s.root, apiKey: TEST_KEY, terminalIds: ['DEMO0001'] },
      timing: FAST_TIMING,
    });
    cleanups.push(() => svc.close());
    disk.fill();
    const r = await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: LINES });
    expect(r).toMatchObject({ ok: false, error: { code: 'storage_error', message: expect.stringMatching(/disk is full/) } });
    expect(s.sim.createRequests.size).toBe(0);
    expect(svc.engine.busyOrderId('DEMO0001')).toBeUndefined();
    disk.free();
    const ok = await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: LINES });
    expect(ok.ok).toBe(true);
    expect(existsSync(join(mnt, 'data', 'till-state.json'))).toBe(true);
    expect(svc.ledger.attempt((ok as { ok: true; result: { orderId: string } }).result.orderId)?.state).toBe('initialized');
  });
});

describe('disk full as the customer pays', () => {
  const why = smallDiskSkipReason();
  it.skipIf(Boolean(why))(
    'the panel shows paid, "not saved yet", New sale goes ahead, one notice; the sale is recorded once there is room',
    async () => {
      const s = await startSim();
      cleanups.push(() => s.sim.stop());
      const disk = smallDisk('1m', cleanups);
      mkdirSync(join(disk.dir, 'data'));
      const svc = await TillService.create({
        dataDir: join(disk.dir, 'data'),
        env: { baseUrl: s.root, apiKey: TEST_KEY, terminalIds: ['DEMO0001'] },
        timing: FAST_TIMING,
      });
      cleanups.push(() => svc.close());
      const notices: string[] = [];
      svc.on((e) => void (e.type === 'notice' && notices.push(e.notice.message)));
      const charged = (await svc.dispatch('charge', { terminalId: 'DEMO0001', lines: LINES })) as { ok: true; result: PaymentView };
      const { orderId, saleId } = charged.result;
      await until(() => s.sim.openStreams === 1, 'stream');
      expect(disk.fill()).toBe('ENOSPC');
      s.sim.terminalAction('DEMO0001', 'approve');
      const shown = await until(() => {
        const p = svc.engine.payment(orderId);
        return p?.state === 'completed' ? p : undefined;
      }, 'paid on the panel');
      expect(shown.messageKey).toBe('not_saved');
      expect(svc.ledger.attempt(orderId)?.state).toBe('initialized'); // not on disk yet
      // New sale is not refused on a paid panel.
      expect(await svc.dispatch('dismissPayment', { orderId })).toMatchObject({ ok: true });
      disk.free();
      await until(() => (svc.ledger.attempt(orderId)?.state === 'completed' ? true : undefined), 'recorded once there is room');
      expect(svc.sales.sale(saleId)?.status).toBe('paid');
      expect(svc.engine.busyOrderId('DEMO0001')).toBeUndefined();
      expect(
        notices.filter((m) => /disk is full/.test(m)),
        notices.join(' / '),
      ).toHaveLength(1);
    },
  );
});

describe('bad input over the WebSocket transport', () => {
  it('malformed, oversized, unknown and wrongly typed requests: typed errors, no crash, no state change', async () => {
    const s = await startSim();
    cleanups.push(() => s.sim.stop());
    const svc = await TillService.create({ dataDir: tempDir(), env: { baseUrl: s.root, apiKey: TEST_KEY, terminalIds: ['WS1'] } });
    cleanups.push(() => svc.close());
    const server = await startHeadlessServer({ service: svc, port: 0, staticDir: tempDir() });
    cleanups.push(() => server.close());
    const { url: wsUrl, origin } = socketFor(server.url);
    const raw = new WebSocket(wsUrl, { headers: { origin } });
    await new Promise((r) => raw.once('open', r));
    const replies: { id: unknown; ok: boolean; error?: { code: string } }[] = [];
    raw.on('message', (d) => replies.push(JSON.parse(String(d))));
    for (const bad of [
      '{not json',
      '"a string"',
      'null',
      JSON.stringify({ id: 1, method: 'nope' }),
      JSON.stringify({ id: 2, method: '__proto__' }),
      JSON.stringify({ id: 3, method: 'charge', params: { terminalId: 5, lines: 'x' } }),
      JSON.stringify({ id: 4, method: 'charge', params: { terminalId: 'WS1', lines: [{ name: 'a', unitPrice: 1.5, quantity: 1 }] } }),
      JSON.stringify({ id: 5, method: 'refund', params: { orderId: 'x', amount: -1 } }),
    ]) {
      raw.send(bad);
    }
    await until(() => replies.length === 8, 'replies');
    expect(replies.map((r) => r.error?.code)).toEqual([
      'bad_request',
      'bad_request',
      'bad_request',
      'unknown_method',
      'unknown_method',
      'bad_request',
      'bad_request',
      'bad_request',
    ]);
    const closed = new Promise<number>((r) => raw.once('close', (code) => r(code)));
    raw.send('x'.repeat(300 * 1024));
    expect(await closed).toBe(1009);
    const client = await WsTill.connect(server.url);
    cleanups.push(() => client.close());
    const snap = await client.call<{ payments: unknown[] }>('snapshot');
    expect(snap.result!.payments).toEqual([]);
    expect(s.sim.createRequests.size).toBe(0);
    expect(svc.ledger.counts()).toEqual({ sales: 0, attempts: 0 });
  });

  it('errors from MultiSafepay reach the cashier as typed sentences, never raw', async () => {
    const e = new MspError({ kind: 'refused', code: 1032, httpStatus: 401 });
    expect(e.message).toBe('The API key was refused - check Settings. (MultiSafepay code 1032)');
  });
});

describe('importing an old journal survives kill -9', () => {
  it('a till killed mid-import resumes where it stopped: every sale once, none twice', async () => {
    const dir = tempDir();
    const n = 6000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++)
      lines.push(
        JSON.stringify({
          k: 'cash',
          at: 1_700_000_000_000 + i,
          saleId: `old-${i}`,
          lines: LINES,
          total: 700,
          currency: 'EUR',
          given: 700,
          change: 0,
        }),
      );
    writeFileSync(join(dir, 'journal.jsonl'), `${lines.join('\n')}\n`);
    const { spawn } = await import('node:child_process');
    const script = `
      import { Ledger } from ${JSON.stringify(join(__dirname, '../../electron/core/ledger/ledger.ts'))};
      import { importJournal } from ${JSON.stringify(join(__dirname, '../../electron/core/ledger/import.ts'))};
      const l = new Ledger(${JSON.stringify(join(dir, 'ledger.sqlite'))});
      const tick = setInterval(() => { if (l.counts().sales > 1000) console.log('half way'); }, 1);
      await importJournal(l, ${JSON.stringify(join(dir, 'journal.jsonl'))});
      clearInterval(tick);
      console.log('done');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const said = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/half way|done/.test(out)) resolve(out);
      });
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(said).toMatch(/half way/); // killed part-way through
    const svc = await TillService.create({ dataDir: dir });
    cleanups.push(() => svc.close());
    expect(svc.ledger.counts().sales).toBe(n);
    expect(existsSync(join(dir, 'journal.jsonl'))).toBe(false);
    // Receipt numbers of the imported sales run 1..n once each.
    const numbers = new Set(svc.ledger.history.page({ limit: 500 }).map((s) => s.receiptNumber));
    expect(numbers.size).toBe(500);
    expect(Math.max(...(numbers as Set<number>))).toBe(n);
  });
});
