/**
 * Loaded before electronegativity (node -r): lint runs offline and repeatably, so the tool's network client is
 * replaced by one that fails at once. Electronegativity then uses its bundled translations; the check that
 * downloads Electron's release list is excluded in .electronegativity.json. (Its old HTTP client also crashes
 * on Node 24 when a request times out.)
 */
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'got' && parent && /electronegativity/.test(parent.filename)) {
    const offline = () => Promise.reject(new Error('lint runs offline'));
    return Object.assign(offline, { get: offline, default: offline });
  }
  return load.call(this, request, parent, isMain);
};
