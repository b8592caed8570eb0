/**
 * `npm run lint` step: runs @doyensec/electronegativity over the project and fails on every finding that
 * .electronegativity.json does not accept with a reason. Offline and repeatable: the Electron version comes from
 * the installed package, and the check that downloads Electron's release list is excluded (see the config).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const config = JSON.parse(readFileSync(join(root, '.electronegativity.json'), 'utf8'));
const require = createRequire(import.meta.url);
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const cli = join(root, 'node_modules/@doyensec/electronegativity/dist/index.js');

const dir = mkdtempSync(join(tmpdir(), 'electronegativity-'));
const out = join(dir, 'findings.sarif');
try {
  const args = [
    '-r',
    join(import.meta.dirname, 'electronegativity-offline.cjs'),
    cli,
    '-i',
    root,
    '-r',
    '-v',
    'false',
    '-e',
    electronVersion,
    '-o',
    out,
    '-x',
    Object.keys(config.excludeChecks).join(','),
  ];
  const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  let sarif;
  try {
    sarif = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    console.error(`electronegativity did not report (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    process.exit(2);
  }
  const findings = sarif.runs.flatMap((r) =>
    (r.results ?? []).map((res) => {
      const loc = res.locations?.[0]?.physicalLocation;
      return {
        check: res.ruleId,
        file: (loc?.artifactLocation?.uri ?? '').replaceAll('\\', '/'),
        line: loc?.region?.startLine ?? 0,
        text: res.message?.text ?? '',
      };
    }),
  );
  const ignored = (f) => Object.keys(config.ignorePaths).some((p) => f.file.startsWith(p));
  const accepted = (f) => config.accepted.some((a) => a.check === f.check && a.file === f.file);
  const open = findings.filter((f) => !ignored(f) && !accepted(f));
  const stale = config.accepted.filter((a) => !findings.some((f) => f.check === a.check && f.file === a.file));
  for (const a of stale)
    console.warn(`electronegativity: accepted ${a.check} in ${a.file} no longer occurs - remove it from .electronegativity.json`);
  if (open.length) {
    for (const f of open) console.error(`${f.file}:${f.line}  ${f.check}  ${f.text}`);
    console.error(
      `\nelectronegativity: ${open.length} finding(s) not accepted. Fix them, or accept each in .electronegativity.json with the reason.`,
    );
    process.exit(1);
  }
  console.log(`electronegativity: ${findings.length} finding(s), all reviewed (Electron ${electronVersion}).`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
