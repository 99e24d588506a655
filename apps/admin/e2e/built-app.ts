/**
 * Builds the admin app into a fresh directory and serves it with remix-serve, the way
 * `npm start` does, so tests exercise the production build and never a stale one.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';

const appDir = path.resolve(import.meta.dirname, '..');
const requireFromApp = createRequire(path.join(appDir, 'package.json'));
let buildOnce: Promise<string> | undefined;

/** One production build per test process (inside the app, so it resolves node_modules). */
export function buildApp(): Promise<string> {
  buildOnce ??= (async () => {
    mkdirSync(path.join(appDir, '.cache'), { recursive: true });
    const dir = mkdtempSync(path.join(appDir, '.cache', 'test-build-'));
    await promisify(execFile)(
      process.execPath,
      [requireFromApp.resolve('@remix-run/dev/dist/cli.js'), 'vite:build'],
      {
        cwd: appDir,
        // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
        env: { ...process.env, NODE_ENV: 'production', REMIX_BUILD_DIR: dir },
      },
    );
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  })();
  return buildOnce;
}

export interface RunningApp {
  baseUrl: string;
  stop(): Promise<void>;
}

export async function serveBuiltApp(env: Record<string, string>): Promise<RunningApp> {
  const buildDir = await buildApp();
  const port = 20000 + Math.floor(Math.random() * 20000);
  const baseUrl = `http://127.0.0.1:${port}`;
  const server: ChildProcess = spawn(
    process.execPath,
    [requireFromApp.resolve('@remix-run/serve/dist/cli.js'), path.join(buildDir, 'server/index.js')],
    { cwd: appDir, env: { ...process.env, NODE_ENV: 'production', ...env, PORT: String(port) } },
  );
  let output = '';
  server.stdout?.on('data', (d) => {
    output += d;
  });
  server.stderr?.on('data', (d) => {
    output += d;
  });
  const stop = async () => {
    if (server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    // remix-serve closes gracefully, which waits for open streams (SSE); don't let one hang teardown.
    const force = setTimeout(() => server.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(force);
  };
  for (let i = 0; i < 150; i++) {
    if (server.exitCode !== null) break;
    if (
      await fetch(`${baseUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { baseUrl, stop };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`the admin app did not start: ${output}`);
}
