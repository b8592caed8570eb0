/**
 * Who may do what: one rule per method of the till API, checked by the service's dispatch before any handler
 * runs, whatever the transport. The rules apply once staff are set up (a manager exists); before that the till
 * works for everyone, as a till without staff does.
 *
 * - anyone: what the sign-in screen and the locked screen need.
 * - signed_in: someone on the staff list is signed in.
 * - manager: a manager is signed in (the role as the staff list says now).
 * - api_key: the MultiSafepay API key is typed again with the request (`apiKey`); a till with no key stored at all
 *   has nothing to type, so there anyone may.
 * - manager_or_api_key: a manager, or the API key typed again.
 */
import type { MethodName } from '../../shared/methods';

export type Access = 'anyone' | 'signed_in' | 'manager' | 'api_key' | 'manager_or_api_key';

export interface Rule {
  access: Access;
  /** What the refusal names ("A refund needs a manager"). */
  what?: string;
}

const manager = (what: string): Rule => ({ access: 'manager', what });
const signedIn: Rule = { access: 'signed_in' };
const anyone: Rule = { access: 'anyone' };

export const POLICY: { readonly [M in MethodName]: Rule } = {
  snapshot: anyone,
  signIn: anyone,
  signOut: anyone,
  resetManagerPin: { access: 'api_key', what: 'Resetting a manager PIN' },
  unlockTill: { access: 'api_key', what: 'Opening the locked till' },
  unlockStaff: { access: 'manager_or_api_key', what: 'Unlocking a PIN' },
  charge: signedIn,
  cancelPayment: signedIn,
  dismissPayment: signedIn,
  payCash: signedIn,
  history: signedIn,
  openSales: signedIn,
  parkSale: signedIn,
  saveBasket: signedIn,
  authorizeDiscount: { access: 'signed_in', what: 'A discount over the limit' },
  resumeParked: signedIn,
  dayReport: signedIn,
  dayState: signedIn,
  drawerSessions: signedIn,
  shopDay: signedIn,
  openDay: signedIn,
  paidIn: signedIn,
  openDrawer: signedIn,
  recordAudit: signedIn,
  refreshTerminals: signedIn,
  simulateTerminal: signedIn,
  printReceipt: signedIn,
  payCredit: signedIn,
  creditNote: signedIn,
  printers: signedIn,
  findBarcode: signedIn,
  searchProducts: signedIn,
  productCategories: signedIn,
  resolvePayment: manager('Releasing a terminal'),
  refund: manager('A refund'),
  returnItems: manager('A return'),
  exchangeItems: manager('An exchange'),
  returnWithoutReceipt: manager('A return without a receipt'),
  closeDay: manager('Closing the day'),
  correctFloat: manager('Correcting a float'),
  exportJournal: manager('Exporting the journal'),
  exportAudit: manager('Exporting the audit trail'),
  paidOut: manager('A paid out'),
  saveSettings: manager('Changing settings'),
  testConnection: manager('Testing the connection'),
  saveCatalog: manager('Changing products and prices'),
  saveStaff: manager('Changing the staff list'),
  exportBackup: manager('A backup'),
  exportTransactions: manager('Exporting transactions'),
  importProducts: manager('Importing products'),
  exportProducts: manager('Exporting products'),
  addProduct: manager('Adding a product'),
  updateProduct: manager('Changing a product'),
};

/** The methods a till locked for its lost staff list still answers. */
export const WHILE_LOCKED: readonly MethodName[] = ['snapshot', 'unlockTill'];
