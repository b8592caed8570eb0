/**
 * Runs first in every npm script that starts the till, its tests or its benchmarks: says in one sentence, instead of a
 * stack trace, when the Node running the script cannot run the till. The till needs Node.js 24 or newer - the Node of
 * Electron's main process, whose built-in `node:sqlite` holds the sales ledger (https://nodejs.org/api/sqlite.html).
 * `npm install` brings Node 24 for npm's scripts itself (the `node` devDependency puts its binary first on the scripts'
 * PATH), so this only speaks when that package could not install. Plain JavaScript that any Node can read. Exit 1 when
 * this Node cannot run the till, 0 otherwise.
 */
import { isBuiltin } from 'node:module';

const version = process.versions.node;
const major = Number(version.split('.')[0]);
if (!(major >= 24 && isBuiltin('node:sqlite'))) {
  console.error(
    `The till needs Node.js 24 or newer (its sales ledger uses node:sqlite), but this is Node ${version} (${process.execPath}): ` +
      `run "npm install" again so that it brings Node 24 for npm's scripts (its 'node' package must be allowed to run its install script), or install Node 24 from https://nodejs.org.`,
  );
  process.exit(1);
}
