/**
 * One config builds everything: the React renderer (dist/), and after it the Electron main process, the preload
 * script and the headless server (dist-electron/). `vite` alone runs the renderer dev server and launches Electron
 * against it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import react from '@vitejs/plugin-react';
import { build, defineConfig, type InlineConfig, type Plugin } from 'vite';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
const external = ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...Object.keys(pkg.dependencies)];
const externalFn = (id: string) => external.some((e) => id === e || id.startsWith(`${e}/`));

function nodeBuild(entry: string, fileName: string, format: 'es' | 'cjs', watch: boolean): InlineConfig {
  // A sandboxed preload may require nothing but 'electron': bundle everything else into it.
  const isExternal = format === 'cjs' ? (id: string) => id === 'electron' : externalFn;
  return {
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: 'dist-electron',
      emptyOutDir: false,
      target: 'node20',
      minify: false,
      sourcemap: true,
      ssr: entry,
      copyPublicDir: false,
      watch: watch ? {} : null,
      rollupOptions: {
        external: isExternal,
        output: { format, entryFileNames: fileName, codeSplitting: false },
      },
    },
    ssr: { noExternal: true, external: format === 'cjs' ? ['electron'] : external },
  };
}

const ELECTRON_ENTRIES: [string, string, 'es' | 'cjs'][] = [
  ['electron/main.ts', 'main.mjs', 'es'],
  ['electron/preload.ts', 'preload.cjs', 'cjs'],
  ['electron/server/main.ts', 'server.mjs', 'es'],
];

/** Builds the main-process bundles after the renderer, and in dev launches Electron on the dev server. */
function electronBundles(): Plugin {
  let electron: ChildProcess | undefined;
  return {
    name: 'till-electron-bundles',
    apply: (_config, env) => env.command === 'build' || env.command === 'serve',
    async closeBundle() {
      for (const [entry, file, format] of ELECTRON_ENTRIES) await build(nodeBuild(entry, file, format, false));
    },
    configureServer(server) {
      server.httpServer?.once('listening', async () => {
        for (const [entry, file, format] of ELECTRON_ENTRIES) await build(nodeBuild(entry, file, format, false));
        const address = server.httpServer?.address();
        const port = typeof address === 'object' && address ? address.port : 5173;
        let bin: string;
        try {
          bin = (await import('electron')).default as unknown as string;
        } catch (err) {
          server.config.logger.error(
            `Electron is not available (${(err as Error).message.split('\n')[0]}). Use "npm run build && npm run serve" for the till in a browser.`,
          );
          return;
        }
        electron = spawn(bin, ['.'], { stdio: 'inherit', env: { ...process.env, VITE_DEV_SERVER_URL: `http://localhost:${port}/` } });
        electron.on('exit', () => process.exit(0));
      });
    },
  };
}

/** The dev server's React Refresh preamble is an inline script: allow it in development only. */
function devCsp(): Plugin {
  return {
    name: 'till-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
  };
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), devCsp(), electronBundles()],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 800,
  },
  server: { port: 5173, strictPort: false },
});
