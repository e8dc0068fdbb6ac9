// Starts a real OpenID Connect provider (oidc-provider-mock, on a spare loopback
// port) and the real backend for the end-to-end run, which offers that provider
// as "Corp SSO":
//   uv run python -m oidc_provider_mock --host 127.0.0.1 --port <spare>
//   DATA_DIR=<tmp> uv run python backend/manage.py migrate --noinput
//   DATA_DIR=<tmp> uv run python backend/manage.py serve --host 127.0.0.1 --port <spare>
// from the repository root, with FRONTEND_DIST pointing at this build. When
// Django does not serve the dashboard (an older backend), `vite preview`
// serves dist/ and forwards /api and /.well-known to it instead.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repo = resolve(frontend, "..");
const dist = join(frontend, "dist");

function sparePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

async function waitFor(url: string, test: (r: Response) => Promise<boolean> | boolean, child: ChildProcess, what: string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (await test(response)) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${what} did not answer at ${url}`);
}

function stop(child: ChildProcess | undefined) {
  const pid = child?.pid;
  if (!child || child.exitCode !== null || pid === undefined) return Promise.resolve();
  return new Promise<void>((done) => {
    child.once("exit", () => done());
    try {
      process.kill(-pid, "SIGTERM"); // its own process group: gunicorn and the reaper too
    } catch {
      done();
    }
    setTimeout(() => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
      done();
    }, 10_000).unref();
  });
}

export default async function globalSetup() {
  if (!existsSync(join(dist, "index.html"))) throw new Error("frontend/dist is missing: run `npm run build` first (`npm run e2e` does).");
  const dataDir = mkdtempSync(join(tmpdir(), "coditect-e2e-"));
  // DEVICE_CODE_*: the device sign-in spec waits for a code to expire, and polls every second.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    FRONTEND_DIST: dist,
    WEB_CONCURRENCY: "2",
    ACCESS_LOG: "false",
    DEVICE_CODE_SECONDS: "45",
    DEVICE_CODE_INTERVAL: "1",
  };
  // The embedded default: SQLite and the SQL seat store, whatever this shell has set.
  for (const name of ["DATABASE_URL", "REDIS_URL", "SEAT_STORE", "REDIS_CLUSTER"]) delete env[name];

  const oidcPort = await sparePort();
  const oidc = spawn("uv", ["run", "python", "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", String(oidcPort)], {
    cwd: repo,
    env: { ...process.env, NO_COLOR: "1" },
    detached: true,
    stdio: "ignore",
  });
  const oidcUrl = `http://127.0.0.1:${oidcPort}`;
  Object.assign(env, {
    OIDC_PROVIDERS: "corp",
    OIDC_CORP_NAME: "Corp SSO",
    OIDC_CORP_ISSUER: oidcUrl,
    OIDC_CORP_CLIENT_ID: "coditect-e2e",
    OIDC_CORP_CLIENT_SECRET: "e2e-client-secret",
  });

  const migrate = spawnSync("uv", ["run", "python", "backend/manage.py", "migrate", "--noinput"], { cwd: repo, env, encoding: "utf8" });
  if (migrate.status !== 0) {
    await stop(oidc);
    throw new Error(`migrate failed:\n${migrate.stdout}\n${migrate.stderr}`);
  }

  const port = await sparePort();
  const backend = spawn("uv", ["run", "python", "backend/manage.py", "serve", "--host", "127.0.0.1", "--port", String(port)], {
    cwd: repo,
    env,
    detached: true,
    stdio: ["ignore", "inherit", "inherit"],
  });
  const apiUrl = `http://127.0.0.1:${port}`;
  let preview: ChildProcess | undefined;

  const teardown = async () => {
    await stop(preview);
    await stop(backend);
    await stop(oidc);
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitFor(`${oidcUrl}/.well-known/openid-configuration`, (r) => r.ok, oidc, "the OpenID Connect provider");
    await waitFor(`${apiUrl}/healthz`, (r) => r.ok, backend, "the backend");
    const index = await fetch(`${apiUrl}/orgs/any/licenses`);
    const servesDashboard = index.ok && (await index.text()).includes('<div id="root">');
    let baseUrl = apiUrl;
    if (!servesDashboard) {
      const previewPort = await sparePort();
      preview = spawn("npx", ["vite", "preview", "--port", String(previewPort), "--strictPort"], {
        cwd: frontend,
        env: { ...process.env, BACKEND_URL: apiUrl },
        detached: true,
        stdio: ["ignore", "inherit", "inherit"],
      });
      baseUrl = `http://127.0.0.1:${previewPort}`;
      await waitFor(baseUrl, (r) => r.ok, preview, "vite preview");
      console.log(`e2e: Django does not serve the dashboard; vite preview at ${baseUrl} forwards the API to ${apiUrl}`);
    } else {
      console.log(`e2e: backend and dashboard at ${apiUrl} (DATA_DIR=${dataDir})`);
    }
    process.env.E2E_BASE_URL = baseUrl;
    process.env.E2E_API_URL = apiUrl;
    process.env.E2E_OIDC_URL = oidcUrl;
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
