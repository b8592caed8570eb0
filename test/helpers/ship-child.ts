/**
 * A till process that only ships: opens a ledger, ships its outbox to the shop database until nothing is queued,
 * and exits. `SHOP_CRASH_AT=point:n` makes it SIGKILL itself at the n-th pass of a shipping fail point; stdout
 * says `shipping` once it has begun.
 * Usage: node --import tsx test/helpers/ship-child.ts <ledger> <url> <name> [batch]
 */
import { Ledger } from '../../electron/core/ledger/ledger';
import { Shipper, type ShopFailPoint } from '../../electron/core/shop/shipper';

const [path, url, name, batch] = process.argv.slice(2) as [string, string, string, string | undefined];
const [point, nth] = (process.env.SHOP_CRASH_AT ?? '').split(':');
let passes = 0;
const ledger = new Ledger(path);
const shipper = new Shipper({
  outbox: ledger.outbox,
  url,
  tillName: () => name,
  batchSize: Number(batch ?? 50),
  failpoint: (p: ShopFailPoint) => {
    if (p === point && ++passes === Number(nth)) process.kill(process.pid, 'SIGKILL');
  },
});
process.stdout.write('shipping\n');
shipper.start();
await shipper.shipped();
await shipper.stop();
ledger.close();
