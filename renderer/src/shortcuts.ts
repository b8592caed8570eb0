/** Keyboard shortcuts of the till (documented in README): the F-keys browsers and Electron leave alone. */
export const SHORTCUTS = {
  charge: 'F2',
  split: 'F3',
  cash: 'F4',
  newSale: 'F8',
  history: 'F9',
} as const;
