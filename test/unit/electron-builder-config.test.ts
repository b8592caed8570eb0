import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

describe('electron-builder.yml', () => {
  const config = load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

  it("validates against electron-builder's own configuration schema", () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('a typo is caught by the same schema', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate({ ...config, nsiss: {} })).toBe(false);
  });

  it('builds NSIS, dmg + zip and AppImage, with fuses, icons and GitHub publishing from configuration', () => {
    const c = config as {
      appId: string;
      win: { target: { target: string }[] };
      mac: { target: { target: string }[] };
      linux: { target: { target: string }[] };
      nsis: { perMachine: boolean; createDesktopShortcut: boolean };
      electronFuses: Record<string, boolean>;
      publish: { provider: string; owner: string; repo: string }[];
      artifactName: string;
    };
    expect(c.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(c.mac.target.map((t) => t.target)).toEqual(['dmg', 'zip']);
    expect(c.linux.target.map((t) => t.target)).toEqual(['AppImage']);
    expect(c.nsis).toMatchObject({ perMachine: false, createDesktopShortcut: true });
    expect(c.electronFuses).toMatchObject({
      runAsNode: false,
      onlyLoadAppFromAsar: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
    });
    expect(c.publish[0]).toEqual(
      expect.objectContaining({ provider: 'github', owner: '${env.TILL_GH_OWNER}', repo: '${env.TILL_GH_REPO}' }),
    );
    expect(c.artifactName).toContain('${version}');
    expect(readFileSync(join(ROOT, 'build/icon.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('locks updates down: Windows publisher named and verified, macOS notarized, drafts only', () => {
    const c = config as {
      win: { signtoolOptions?: { publisherName?: string[] }; verifyUpdateCodeSignature?: boolean };
      mac: { notarize?: boolean; hardenedRuntime?: boolean };
      publish: { releaseType?: string }[];
      electronFuses: Record<string, boolean>;
    };
    expect(c.win.signtoolOptions?.publisherName?.length).toBeGreaterThan(0);
    expect(c.win.verifyUpdateCodeSignature).toBe(true);
    expect(c.mac).toMatchObject({ notarize: true, hardenedRuntime: true });
    expect(c.publish.every((p) => p.releaseType === 'draft')).toBe(true);
    expect(c.electronFuses).toMatchObject({
      grantFileProtocolExtraPrivileges: false,
      enableEmbeddedAsarIntegrityValidation: true,
      runAsNode: false,
    });
  });

  it('the Playwright copy differs from the shipped build only in the inspector fuse and where it is written', () => {
    const e2e = load(readFileSync(join(ROOT, 'test/e2e/electron-builder.e2e.yml'), 'utf8'));
    expect(e2e).toEqual({
      extends: 'electron-builder.yml',
      directories: { output: 'release/e2e' },
      electronFuses: { enableNodeCliInspectArguments: true },
    });
  });
});

describe('workflows', () => {
  const wf = (name: string) =>
    load(readFileSync(join(ROOT, '.github/workflows', name), 'utf8')) as {
      on: Record<string, unknown>;
      permissions: Record<string, string>;
      jobs: Record<
        string,
        {
          permissions?: Record<string, string>;
          steps: { uses?: string; with?: Record<string, unknown>; run?: string }[];
          strategy?: { matrix: { os: string[] } };
        }
      >;
    };
  const steps = (w: ReturnType<typeof wf>) => Object.values(w.jobs).flatMap((j) => j.steps);

  it.each(['ci.yml', 'release.yml'])('%s: read-only token by default, actions pinned to commit SHAs, no token left in .git', (name) => {
    const w = wf(name);
    expect(w.permissions).toEqual({ contents: 'read' });
    for (const s of steps(w).filter((s) => s.uses)) expect(s.uses).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
    for (const s of steps(w).filter((s) => s.uses?.startsWith('actions/checkout@'))) expect(s.with?.['persist-credentials']).toBe(false);
  });

  it('release: only the publishing job writes, and it runs no npm code; releases are drafts', () => {
    const w = wf('release.yml');
    const writers = Object.entries(w.jobs).filter(([, j]) => j.permissions?.contents === 'write');
    expect(writers.map(([n]) => n)).toEqual(['publish']);
    const publish = w.jobs.publish!.steps;
    expect(publish.some((s) => /npm|npx|node /.test(s.run ?? ''))).toBe(false);
    expect(publish.some((s) => (s.run ?? '').includes('--draft'))).toBe(true);
    expect(steps(w).some((s) => (s.run ?? '').includes('refusing to publish an unsigned'))).toBe(true);
  });

  it('ci: on every push and pull request, on three systems, the packaged app under Playwright', () => {
    const w = wf('ci.yml');
    expect(Object.keys(w.on).sort()).toEqual(['pull_request', 'push']);
    expect(w.jobs.test!.strategy!.matrix.os).toEqual(['ubuntu-latest', 'windows-latest', 'macos-latest']);
    const runs = w.jobs.test!.steps.map((s) => s.run ?? '').join('\n');
    for (const cmd of ['npm ci', 'npm run typecheck', 'npm run lint', 'npm test', 'electron-builder --dir', 'test/e2e/electron.test.ts'])
      expect(runs).toContain(cmd);
  });
});
