/** `npm run simulator`: runs the MultiSafepay simulator alone and prints its URL and demo API key. */
import { randomBytes } from 'node:crypto';
import { Simulator } from './simulator';

const apiKey = process.env.SIM_API_KEY ?? `demo_${randomBytes(12).toString('hex')}`;
const port = Number(process.env.SIM_PORT ?? 4546);
// SIM_TERMINALS=ID1,ID2 registers the account's terminals (default: the three demo terminals).
const ids = process.env.SIM_TERMINALS?.split(',')
  .map((t) => t.trim())
  .filter(Boolean);
const sim = new Simulator({ apiKey, port, ...(ids?.length ? { terminals: ids.map((id) => ({ id, name: id })) } : {}) });
const root = await sim.start();
console.log(`MultiSafepay simulator listening on ${root}`);
console.log(`Demo API key (send it in the api_key header): ${apiKey}`);
console.log(`Terminals: ${[...sim.terminals.keys()].join(', ')}`);
console.log(`Terminal control: POST ${sim.origin}/_sim/terminals/<id>/approve|decline|soft_decline|cancel`);
const stop = () => void sim.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
