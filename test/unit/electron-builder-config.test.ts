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
});
