/**
 * The names of the till API's methods and its IPC channels. Kept free of dependencies: the sandboxed preload
 * script imports it and may load nothing but 'electron'.
 */
export const METHOD_NAMES = [
  'snapshot',
  'charge',
  'cancelPayment',
  'dismissPayment',
  'resolvePayment',
  'payCash',
  'history',
  'openSales',
  'parkSale',
  'saveBasket',
  'authorizeDiscount',
  'resumeParked',
  'refund',
  'returnItems',
  'returnWithoutReceipt',
  'dayReport',
  'saveSettings',
  'testConnection',
  'refreshTerminals',
  'saveCatalog',
  'simulateTerminal',
  'exportBackup',
  'exportTransactions',
  'openDay',
  'closeDay',
  'paidIn',
  'paidOut',
  'openDrawer',
  'recordAudit',
  'dayState',
  'drawerSessions',
  'correctFloat',
  'exportJournal',
  'shopDay',
  'signIn',
  'signOut',
  'saveStaff',
  'resetManagerPin',
  'unlockStaff',
  'unlockTill',
  'printReceipt',
  'printers',
  'importProducts',
  'exportProducts',
  'findBarcode',
  'searchProducts',
  'addProduct',
  'updateProduct',
] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

/** IPC channel names: one per method (`till:<method>`), plus the event channel. */
export const IPC_PREFIX = 'till:';
export const IPC_EVENT_CHANNEL = 'till:event';
