//! Realistic deployment-log noise for the benchmarks: Docker BuildKit and classic-builder
//! output, npm, pip, tsc/vite/webpack, and docker-compose service logs (JSON, nginx,
//! Postgres, coloured winston/morgan). A quarter of the blocks are terminal captures with
//! ANSI colour (about 9 % of all lines carry an escape), and about 1 % of lines hold `\r`
//! progress frames. Nothing here is meant to match a signature: failures are inserted by the
//! caller, from the signatures' own examples.
//!
//! Deterministic for a given seed, and fast (hundreds of MB/s), so a 1 GB log is written in
//! a few seconds.

use std::io::Write;

/// xorshift64*: small, fast, deterministic; no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next() >> 32) * n) >> 32
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// True with probability `per_mille`/1000.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    pub fn hex(&mut self, out: &mut Vec<u8>, len: usize) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut bits = 0u64;
        for i in 0..len {
            if i % 16 == 0 {
                bits = self.next();
            }
            out.push(HEX[(bits & 15) as usize]);
            bits >>= 4;
        }
    }
}

const NPM_PACKAGES: &[&str] = &[
    "react",
    "react-dom",
    "@babel/core",
    "@babel/helper-plugin-utils",
    "@babel/parser",
    "typescript",
    "vite",
    "esbuild",
    "@esbuild/linux-x64",
    "@types/node",
    "@types/react",
    "lodash",
    "express",
    "body-parser",
    "debug",
    "ms",
    "semver",
    "chalk",
    "commander",
    "glob",
    "minimatch",
    "rimraf",
    "@eslint/js",
    "eslint",
    "prettier",
    "postcss",
    "tailwindcss",
    "autoprefixer",
    "zod",
    "axios",
    "dotenv",
    "jsonwebtoken",
    "bcryptjs",
    "prisma",
    "stripe",
    "pg",
    "cors",
    "helmet",
    "morgan",
    "winston",
    "uuid",
    "date-fns",
    "nanoid",
    "rollup",
    "@rollup/rollup-linux-x64-gnu",
    "source-map",
    "picocolors",
    "is-arrayish",
    "error-ex",
    "@jridgewell/trace-mapping",
    "@tanstack/react-query",
    "react-router-dom",
    "clsx",
];

const DEPRECATED: &[&str] = &[
    "inflight@1.0.6: This module is not supported, and leaks memory. Do not use it. Check out lru-cache if you want a good and tested way to coalesce async requests by a key value, which is much more comprehensive and powerful.",
    "glob@7.2.3: Glob versions prior to v9 are no longer supported",
    "rimraf@3.0.2: Rimraf versions prior to v4 are no longer supported",
    "@humanwhocodes/config-array@0.11.14: Use @eslint/config-array instead",
    "@humanwhocodes/object-schema@2.0.3: Use @eslint/object-schema instead",
    "are-we-there-yet@2.0.0: This package is no longer supported.",
    "npmlog@5.0.1: This package is no longer supported.",
    "gauge@3.0.2: This package is no longer supported.",
];

const PY_PACKAGES: &[&str] = &[
    "requests",
    "urllib3",
    "certifi",
    "charset-normalizer",
    "idna",
    "numpy",
    "pandas",
    "python-dateutil",
    "pytz",
    "six",
    "fastapi",
    "starlette",
    "pydantic",
    "pydantic-core",
    "uvicorn",
    "h11",
    "anyio",
    "sniffio",
    "typing-extensions",
    "click",
    "jinja2",
    "markupsafe",
    "sqlalchemy",
    "greenlet",
    "psycopg2-binary",
    "gunicorn",
    "packaging",
    "httpx",
    "httpcore",
    "python-multipart",
    "alembic",
    "redis",
    "celery",
    "kombu",
    "boto3",
    "botocore",
];

const SOURCE_FILES: &[&str] = &[
    "src/main.tsx",
    "src/App.tsx",
    "src/components/Button.tsx",
    "src/components/Modal.tsx",
    "src/pages/Dashboard.tsx",
    "src/pages/Settings.tsx",
    "src/hooks/useSession.ts",
    "src/api/client.ts",
    "src/lib/format.ts",
    "src/store/cart.ts",
    "src/routes/index.tsx",
];

const PATHS: &[&str] = &[
    "/api/v1/users",
    "/api/v1/orders",
    "/api/v1/products",
    "/api/v1/session",
    "/health",
    "/api/v1/cart/items",
    "/assets/index.js",
    "/api/v1/search",
    "/metrics",
    "/api/v1/webhooks",
];

const SERVICES: &[&str] = &["api-1", "web-1", "worker-1", "db-1", "redis-1", "nginx-1"];

/// Which kind of output a block of lines imitates.
#[derive(Clone, Copy)]
enum Kind {
    NpmInstall,
    PipInstall,
    FrontendBuild,
    DockerMisc,
    Runtime,
}

/// Counters of what was written, for the generator's manifest.
#[derive(Default, Debug, Clone, Copy)]
pub struct Stats {
    pub lines: u64,
    pub ansi_lines: u64,
    pub cr_lines: u64,
}

/// Writes blocks of noise lines. BuildKit vertex numbers and timestamps advance as a real
/// build's would.
pub struct Noise {
    pub rng: Rng,
    vertex: u32,
    secs: f64,
    epoch_ms: u64,
    /// Per-block: whether this stretch of output was captured from a terminal (coloured).
    color: bool,
    pub stats: Stats,
}

impl Noise {
    pub fn new(seed: u64) -> Self {
        Noise {
            rng: Rng::new(seed),
            vertex: 1,
            secs: 0.0,
            epoch_ms: 1_766_059_200_000, // 2025-12-18T12:00:00Z
            color: false,
            stats: Stats::default(),
        }
    }

    /// Appends one block (a build step, a stretch of service logs…) of 50–1000 lines.
    pub fn block(&mut self, out: &mut Vec<u8>) {
        let kind = match self.rng.below(100) {
            0..=19 => Kind::NpmInstall,
            20..=34 => Kind::PipInstall,
            35..=49 => Kind::FrontendBuild,
            50..=59 => Kind::DockerMisc,
            _ => Kind::Runtime,
        };
        // About a quarter of the output was captured from a terminal and carries colour.
        self.color = self.rng.chance(250);
        let lines = self.rng.range(50, 1000);
        let start = out.len();
        match kind {
            Kind::NpmInstall => self.npm_install(out, lines),
            Kind::PipInstall => self.pip_install(out, lines),
            Kind::FrontendBuild => self.frontend_build(out, lines),
            Kind::DockerMisc => self.docker_misc(out, lines),
            Kind::Runtime => self.runtime(out, lines),
        }
        for line in out[start..].split(|&b| b == b'\n') {
            if line.is_empty() {
                continue;
            }
            self.stats.lines += 1;
            if memchr_byte(0x1b, line) {
                self.stats.ansi_lines += 1;
            }
            if memchr_byte(b'\r', line) {
                self.stats.cr_lines += 1;
            }
        }
    }

    fn step_header(&mut self, out: &mut Vec<u8>, stage: &str, instruction: &str) -> u32 {
        self.vertex += 1;
        if self.vertex > 60 {
            self.vertex = 2;
            self.secs = 0.0;
        }
        let n = self.rng.range(2, 14);
        let i = self.rng.range(1, n);
        let _ = writeln!(out, "#{} [{stage} {i}/{n}] {instruction}", self.vertex);
        self.vertex
    }

    /// `#<vertex> <secs> ` with 3, 2 or 1 decimals as BuildKit prints them.
    fn buildkit_prefix(&mut self, out: &mut Vec<u8>, vertex: u32) {
        self.secs += self.rng.below(40) as f64 / 1000.0;
        let _ = if self.secs < 10.0 {
            write!(out, "#{vertex} {:.3} ", self.secs)
        } else if self.secs < 100.0 {
            write!(out, "#{vertex} {:.2} ", self.secs)
        } else {
            write!(out, "#{vertex} {:.1} ", self.secs)
        };
    }

    fn step_done(&mut self, out: &mut Vec<u8>, vertex: u32) {
        let _ = writeln!(out, "#{vertex} DONE {:.1}s", self.secs);
        self.secs = 0.0;
    }

    fn npm_install(&mut self, out: &mut Vec<u8>, lines: u64) {
        let v = self.step_header(
            out,
            "builder",
            "RUN npm ci --no-audit --no-fund --loglevel http",
        );
        for _ in 0..lines {
            self.buildkit_prefix(out, v);
            let pkg = *self.rng.pick(NPM_PACKAGES);
            match self.rng.below(10) {
                0..=4 => {
                    let ms = self.rng.range(3, 900);
                    let cache = if self.rng.chance(300) {
                        "cache hit"
                    } else {
                        "cache miss"
                    };
                    if self.color {
                        let _ = writeln!(out, "npm \x1b[32mhttp\x1b[39m \x1b[35mfetch\x1b[39m GET 200 https://registry.npmjs.org/{pkg} {ms}ms ({cache})");
                    } else {
                        let _ = writeln!(out, "npm http fetch GET 200 https://registry.npmjs.org/{pkg} {ms}ms ({cache})");
                    }
                }
                5..=6 => {
                    let what = *self.rng.pick(DEPRECATED);
                    if self.color {
                        let _ = writeln!(
                            out,
                            "npm \x1b[33mwarn\x1b[39m \x1b[94mdeprecated\x1b[39m {what}"
                        );
                    } else {
                        let _ = writeln!(out, "npm warn deprecated {what}");
                    }
                }
                7 => {
                    let (a, b, c) = (self.rng.below(9), self.rng.below(30), self.rng.below(20));
                    let _ = writeln!(out, "npm info run {pkg}@{a}.{b}.{c} postinstall node_modules/{pkg} node install.js");
                }
                8 => {
                    let (a, b, c) = (self.rng.below(9), self.rng.below(30), self.rng.below(20));
                    let _ = writeln!(
                        out,
                        "npm info run {pkg}@{a}.{b}.{c} postinstall {{ code: 0, signal: null }}"
                    );
                }
                _ => {
                    let ms = self.rng.range(1, 40);
                    let _ = writeln!(out, "npm http cache {pkg}@https://registry.npmjs.org/{pkg}/-/{}-{}.{}.{}.tgz {ms}ms (cache hit)",
                        pkg.rsplit('/').next().unwrap_or(pkg), self.rng.below(9), self.rng.below(30), self.rng.below(20));
                }
            }
        }
        let (added, secs) = (self.rng.range(200, 1800), self.rng.range(5, 90));
        self.buildkit_prefix(out, v);
        let _ = writeln!(
            out,
            "added {added} packages, and audited {} packages in {secs}s",
            added + 1
        );
        self.buildkit_prefix(out, v);
        let _ = writeln!(out, "{} packages are looking for funding", added / 6);
        self.buildkit_prefix(out, v);
        let _ = writeln!(out, "  run `npm fund` for details");
        self.buildkit_prefix(out, v);
        let _ = writeln!(out, "found 0 vulnerabilities");
        self.step_done(out, v);
    }

    fn pip_install(&mut self, out: &mut Vec<u8>, lines: u64) {
        let v = self.step_header(
            out,
            "production",
            "RUN pip install --no-cache-dir -r requirements.txt",
        );
        let mut installed: Vec<String> = Vec::new();
        for _ in 0..lines {
            self.buildkit_prefix(out, v);
            let pkg = *self.rng.pick(PY_PACKAGES);
            let ver = format!(
                "{}.{}.{}",
                self.rng.range(0, 4),
                self.rng.below(40),
                self.rng.below(12)
            );
            match self.rng.below(12) {
                0..=2 => {
                    let _ = writeln!(
                        out,
                        "Collecting {pkg}=={ver} (from -r requirements.txt (line {}))",
                        self.rng.range(1, 40)
                    );
                }
                3..=4 => {
                    let kb = self.rng.range(4, 90);
                    let _ = writeln!(
                        out,
                        "  Downloading {}-{ver}-py3-none-any.whl.metadata ({kb} kB)",
                        pkg.replace('-', "_")
                    );
                }
                5 => {
                    let _ = writeln!(out, "Using cached {}-{ver}-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.metadata (61 kB)", pkg.replace('-', "_"));
                }
                6..=8 => self.pip_progress(out),
                9..=10 => {
                    let dep = *self.rng.pick(PY_PACKAGES);
                    let _ = writeln!(out, "Requirement already satisfied: {dep}>={ver} in /usr/local/lib/python3.12/site-packages (from {pkg}) ({ver})");
                }
                _ => {
                    installed.push(format!("{pkg}-{ver}"));
                    let _ = writeln!(out, "  Attempting uninstall: {pkg}");
                }
            }
        }
        self.buildkit_prefix(out, v);
        let _ = writeln!(
            out,
            "Installing collected packages: {}",
            PY_PACKAGES[..12].join(", ")
        );
        self.buildkit_prefix(out, v);
        installed.truncate(40);
        let _ = writeln!(out, "Successfully installed {}", installed.join(" "));
        self.buildkit_prefix(out, v);
        let _ = writeln!(out, "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager. It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv");
        self.step_done(out, v);
    }

    /// pip's rich progress bar: plain, coloured, or as `\r` frames (from a terminal).
    fn pip_progress(&mut self, out: &mut Vec<u8>) {
        let total = self.rng.range(20, 9000) as f64 / 10.0;
        let speed = self.rng.range(5, 400) as f64 / 10.0;
        if self.color && self.rng.chance(500) {
            // A terminal capture: several frames on one line, the last complete.
            for frame in 1..=4 {
                let done = total * frame as f64 / 4.0;
                let bar = "━".repeat(frame * 10);
                let rest = "━".repeat(40 - frame * 10);
                let _ = write!(out, "\r   \x1b[38;2;249;38;114m{bar}\x1b[0m\x1b[38;5;237m{rest}\x1b[0m \x1b[32m{done:.1}/{total:.1} kB\x1b[0m \x1b[31m{speed:.1} MB/s\x1b[0m eta \x1b[36m0:00:0{}\x1b[0m", 4 - frame);
            }
            out.push(b'\n');
        } else if self.color {
            let _ = writeln!(out, "   \x1b[38;2;114;156;31m━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━\x1b[0m \x1b[32m{total:.1}/{total:.1} kB\x1b[0m \x1b[31m{speed:.1} MB/s\x1b[0m eta \x1b[36m0:00:00\x1b[0m");
        } else {
            let _ = writeln!(out, "   ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ {total:.1}/{total:.1} kB {speed:.1} MB/s eta 0:00:00");
        }
    }

    fn frontend_build(&mut self, out: &mut Vec<u8>, lines: u64) {
        let v = self.step_header(out, "builder", "RUN npm run build");
        for text in ["", "> web@1.4.2 build", "> tsc -b && vite build", ""] {
            self.buildkit_prefix(out, v);
            let _ = writeln!(out, "{text}");
        }
        self.buildkit_prefix(out, v);
        if self.color {
            let _ = writeln!(
                out,
                "\x1b[36mvite v5.4.8 \x1b[32mbuilding for production...\x1b[36m\x1b[39m"
            );
        } else {
            let _ = writeln!(out, "vite v5.4.8 building for production...");
        }
        for _ in 0..lines {
            self.buildkit_prefix(out, v);
            let file = *self.rng.pick(SOURCE_FILES);
            match self.rng.below(10) {
                0..=3 => {
                    let _ = writeln!(out, "transforming ({}) {file}", self.rng.range(1, 4000));
                }
                4..=6 => {
                    let name = file
                        .rsplit('/')
                        .next()
                        .unwrap_or(file)
                        .split('.')
                        .next()
                        .unwrap_or("chunk");
                    let kb = self.rng.range(1, 900_000) as f64 / 100.0;
                    let _ = write!(out, "dist/assets/{name}-");
                    self.rng.hex(out, 8);
                    if self.color {
                        let _ = writeln!(out, ".js  \x1b[1m\x1b[2m{kb:>9.2} kB\x1b[22m\x1b[1m\x1b[22m\x1b[2m │ gzip: {:>8.2} kB\x1b[22m", kb / 3.2);
                    } else {
                        let _ = writeln!(out, ".js  {kb:>9.2} kB │ gzip: {:>8.2} kB", kb / 3.2);
                    }
                }
                7 => {
                    let _ = writeln!(
                        out,
                        "asset {}.{}.js {} KiB [emitted] [minimized] (name: main) 2 related assets",
                        self.rng.range(100, 999),
                        self.rng.range(1000, 9999),
                        self.rng.range(1, 900)
                    );
                }
                8 => {
                    let _ = writeln!(
                        out,
                        "modules by path ./src/ {} KiB {} modules",
                        self.rng.range(10, 900),
                        self.rng.range(10, 400)
                    );
                }
                _ => {
                    let h = self.rng.range(1, 12);
                    let _ = writeln!(out, "[{h}:{:02}:{:02} PM] File change detected. Starting incremental compilation...", self.rng.below(60), self.rng.below(60));
                }
            }
        }
        self.buildkit_prefix(out, v);
        let n = self.rng.range(200, 4000);
        if self.color {
            let _ = writeln!(out, "\x1b[32m✓\x1b[39m {n} modules transformed.");
        } else {
            let _ = writeln!(out, "✓ {n} modules transformed.");
        }
        self.buildkit_prefix(out, v);
        let _ = writeln!(
            out,
            "[12:01:04 PM] Found 0 errors. Watching for file changes."
        );
        self.buildkit_prefix(out, v);
        let _ = writeln!(
            out,
            "✓ built in {:.2}s",
            self.rng.range(100, 9000) as f64 / 100.0
        );
        self.step_done(out, v);
    }

    fn docker_misc(&mut self, out: &mut Vec<u8>, lines: u64) {
        let mut written = 0;
        while written < lines {
            match self.rng.below(4) {
                0 => {
                    // Classic builder, with its `\r` build-context progress.
                    let _ = writeln!(out, "Sending build context to Docker daemon  32.77kB\rSending build context to Docker daemon  {:.2}MB\rSending build context to Docker daemon  {:.1}MB\r",
                        self.rng.range(100, 999) as f64 / 100.0, self.rng.range(100, 999) as f64 / 10.0);
                    let n = self.rng.range(6, 14);
                    for i in 1..=n {
                        let _ = writeln!(out, "Step {i}/{n} : RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl");
                        let _ = write!(out, " ---> Running in ");
                        self.rng.hex(out, 12);
                        out.push(b'\n');
                        let _ = write!(out, "Get:{i} http://deb.debian.org/debian bookworm/main amd64 Packages [8788 kB]\nFetched {} kB in 1s ({} kB/s)\nReading package lists...\nBuilding dependency tree...\nReading state information...\n",
                            self.rng.range(100, 9000), self.rng.range(100, 9000));
                        let _ = write!(out, "Removing intermediate container ");
                        self.rng.hex(out, 12);
                        let _ = write!(out, "\n ---> ");
                        self.rng.hex(out, 12);
                        out.push(b'\n');
                        written += 9;
                    }
                }
                1 => {
                    // `docker compose pull` captured from a terminal: `\r` frames per layer.
                    for _ in 0..self.rng.range(3, 8) {
                        let mut id = Vec::new();
                        self.rng.hex(&mut id, 12);
                        let id = String::from_utf8_lossy(&id).into_owned();
                        let total = self.rng.range(10, 900) as f64 / 10.0;
                        for frame in 1..=5u32 {
                            let arrow = "=".repeat(frame as usize * 10 - 1);
                            let pad = " ".repeat(50 - frame as usize * 10);
                            let _ = write!(
                                out,
                                "{id}: Downloading [{arrow}>{pad}]  {:.1}MB/{total:.1}MB\r",
                                total * frame as f64 / 5.0
                            );
                        }
                        let _ = writeln!(out, "{id}: Pull complete");
                        written += 1;
                    }
                }
                2 => {
                    let v = self.step_header(out, "builder", "FROM docker.io/library/node:20-alpine@sha256:2d07db07a2df6830718ae2a47db6fedce6745f5bcd174c398f2acdda90a11c03");
                    let _ = write!(out, "#{v} resolve docker.io/library/node:20-alpine@sha256:");
                    self.rng.hex(out, 64);
                    let _ = writeln!(out, " 0.0s done");
                    for _ in 0..self.rng.range(3, 8) {
                        let _ = write!(out, "#{v} sha256:");
                        self.rng.hex(out, 64);
                        let mb = self.rng.range(1, 500) as f64 / 10.0;
                        let _ = writeln!(
                            out,
                            " {mb:.2}MB / {mb:.2}MB {:.1}s done",
                            self.rng.range(1, 40) as f64 / 10.0
                        );
                        let _ = write!(out, "#{v} extracting sha256:");
                        self.rng.hex(out, 64);
                        let _ = writeln!(out, " {:.1}s done", self.rng.range(1, 40) as f64 / 10.0);
                        written += 2;
                    }
                    self.step_done(out, v);
                    written += 2;
                }
                _ => {
                    let v = self.vertex + 1;
                    let _ = writeln!(out, "#{v} [internal] load build definition from Dockerfile\n#{v} transferring dockerfile: 1.23kB done\n#{v} DONE 0.0s");
                    let _ = writeln!(
                        out,
                        "#{} [builder 3/9] COPY package.json package-lock.json ./\n#{} CACHED",
                        v + 1,
                        v + 1
                    );
                    let _ = writeln!(
                        out,
                        "#{} exporting to image\n#{} exporting layers 2.3s done",
                        v + 2,
                        v + 2
                    );
                    let _ = write!(out, "#{} writing image sha256:", v + 2);
                    self.rng.hex(out, 64);
                    let _ = writeln!(
                        out,
                        " done\n#{} naming to docker.io/library/web:latest done\n#{} DONE 2.4s",
                        v + 2,
                        v + 2
                    );
                    written += 10;
                }
            }
        }
    }

    fn runtime(&mut self, out: &mut Vec<u8>, lines: u64) {
        for _ in 0..lines {
            self.epoch_ms += self.rng.range(1, 400);
            let (s, ms) = (self.epoch_ms / 1000, self.epoch_ms % 1000);
            let (hh, mm, ss) = ((s / 3600) % 24, (s / 60) % 60, s % 60);
            let service = *self.rng.pick(SERVICES);
            let path = *self.rng.pick(PATHS);
            let pad = " ".repeat(10 - service.len());
            let _ = write!(out, "{service}{pad}| ");
            match service {
                "api-1" => {
                    let status = *self.rng.pick(&[200, 200, 200, 201, 204, 304, 404]);
                    let took = self.rng.range(1, 9000) as f64 / 10.0;
                    if self.color {
                        let _ = writeln!(out, "\x1b[32minfo\x1b[39m: {} {path}/{} \x1b[32m{status}\x1b[0m {took:.3} ms - {}",
                            if self.rng.chance(700) { "GET" } else { "POST" }, self.rng.range(1, 99999), self.rng.range(2, 90000));
                    } else {
                        let _ = writeln!(out, "2025-12-18T{hh:02}:{mm:02}:{ss:02}.{ms:03}Z INFO  [http] request completed method=GET path={path} status={status} duration_ms={took:.0}");
                    }
                }
                "worker-1" => {
                    let _ = write!(
                        out,
                        "{{\"level\":30,\"time\":{},\"pid\":1,\"hostname\":\"worker-",
                        self.epoch_ms
                    );
                    self.rng.hex(out, 6);
                    let _ = writeln!(out, "\",\"msg\":\"job completed\",\"jobId\":\"{}\",\"queue\":\"{}\",\"durationMs\":{}}}",
                        self.rng.range(1, 9_999_999), self.rng.pick(&["emails", "thumbnails", "webhooks", "reports"]), self.rng.range(1, 5000));
                }
                "db-1" => {
                    let _ = writeln!(out, "2025-12-18 {hh:02}:{mm:02}:{ss:02}.{ms:03} UTC [{}] LOG:  checkpoint complete: wrote {} buffers (0.1%); 0 WAL file(s) added, 0 removed, 1 recycled; write={:.3} s, sync=0.004 s, total={:.3} s",
                        self.rng.range(20, 90), self.rng.range(1, 400), self.rng.range(1, 3000) as f64 / 1000.0, self.rng.range(1, 3000) as f64 / 1000.0);
                }
                "redis-1" => {
                    let _ = writeln!(out, "1:M 18 Dec 2025 {hh:02}:{mm:02}:{ss:02}.{ms:03} * {} changes in 60 seconds. Saving...", self.rng.range(100, 20000));
                }
                "nginx-1" => {
                    let _ = writeln!(out, "172.18.0.{} - - [18/Dec/2025:{hh:02}:{mm:02}:{ss:02} +0000] \"GET {path} HTTP/1.1\" 200 {} \"https://app.example.com/dashboard\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\"",
                        self.rng.range(2, 250), self.rng.range(200, 900_000));
                }
                _ => {
                    if self.color {
                        let _ = writeln!(out, "\x1b[2m{hh:02}:{mm:02}:{ss:02}\x1b[22m \x1b[36m[vite]\x1b[39m \x1b[32mhmr update\x1b[39m \x1b[2m/{}\x1b[22m", self.rng.pick(SOURCE_FILES));
                    } else {
                        let _ = writeln!(
                            out,
                            "[{hh:02}:{mm:02}:{ss:02}] GET {path} -> rendered in {}ms",
                            self.rng.range(1, 400)
                        );
                    }
                }
            }
        }
    }
}

fn memchr_byte(needle: u8, haystack: &[u8]) -> bool {
    haystack.contains(&needle)
}
