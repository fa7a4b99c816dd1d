// Training throughput of ftlab's engine vs PyTorch on CPU, same shapes, in the same run.
// Configs: the micro model's shape, a 4-layer/128-wide Llama with a byte vocabulary and with 2048 tokens;
// batch 16 × block 128 of random
// tokens; LoRA (r=8 on q_proj,v_proj) and full fine-tuning; one forward + backward + AdamW step per
// iteration. Two comparisons:
//   per thread:   the engine on 1 thread vs PyTorch with torch.set_num_threads(1)
//   whole machine: the engine on os.availableParallelism() threads vs PyTorch at its default thread count
// tokens/s are given per wall second and per CPU second of the process (all its threads): on a shared,
// loaded machine wall times are inflated for both sides alike and the CPU-second rates compare better.
// PyTorch is Debian's python3-torch; the bench prints the BLAS library the torch process actually maps
// (and OpenBLAS's kernel choice), and does not print a ratio against the reference (netlib) BLAS, which
// is ~10x slower than an optimised one. PyTorch columns are skipped when torch is absent.
// Each cell is measured --rounds times, the two sides taking turns, and the median round counts: on a
// shared machine single runs vary (PyTorch's own CPU-second rate varies up to 2x from run to run here).
// Options: --seconds S per measurement (default 3), --rounds R (default 3), --threads N (default: all cores).
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('--seconds', 3);
const ROUNDS = arg('--rounds', 3);
const THREADS = arg('--threads', availableParallelism());
const B = 16,
  T = 128;

const CONFIGS = {
  'micro (2L/64w)': { vocabSize: 258, hiddenSize: 64, intermediateSize: 384, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 16 },
  '4L/128w': { vocabSize: 258, hiddenSize: 128, intermediateSize: 344, numLayers: 4, numHeads: 4, numKvHeads: 4, headDim: 32 },
  // the shape of a base with a BPE vocabulary of a few thousand (the LM head becomes a large share)
  '4L/128w, V=2048': { vocabSize: 2048, hiddenSize: 128, intermediateSize: 344, numLayers: 4, numHeads: 4, numKvHeads: 4, headDim: 32 },
};

// ---- ours: the engine and its worker, bundled from the sources ------------------------------------
const out = join(root, '.tmp/bench-engine');
mkdirSync(out, { recursive: true });
const entry = join(out, 'entry.ts');
writeFileSync(
  entry,
  `
export { LlamaModel } from '../../src/engines/llm/model.js';
export { LoraAdapter } from '../../src/engines/llm/lora.js';
export { AdamW } from '../../src/engines/llm/optim.js';
export { Rng } from '../../src/engines/llm/rng.js';
export { kernelName } from '../../src/engines/llm/kernels/index.js';
export { ParallelRunner } from '../../src/engines/llm/parallel/runner.js';
`,
);
await build({
  entryPoints: { 'bench-engine': entry, 'engine.worker': join(root, 'src/engines/llm/parallel/engine.worker.ts') },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: out,
  logLevel: 'warning',
});
// the kernels are found next to the bundle (npm run build writes dist/ftlab-kernels.wasm)
if (existsSync(join(root, 'dist/ftlab-kernels.wasm'))) copyFileSync(join(root, 'dist/ftlab-kernels.wasm'), join(out, 'ftlab-kernels.wasm'));
const E = await import(pathToFileURL(join(out, 'bench-engine.js')).href);

async function oursSetup(name, method, threads) {
  const cfg = {
    ...CONFIGS[name],
    maxPositions: 256,
    rmsNormEps: 1e-5,
    ropeTheta: 10000,
    tieWordEmbeddings: true,
    bosTokenId: 256,
    eosTokenId: 257,
  };
  const rng = new E.Rng(1);
  const model = E.LlamaModel.init(cfg, rng);
  if (method === 'lora')
    model.adapter = E.LoraAdapter.create(
      cfg,
      { r: 8, alpha: 16, dropout: 0, targets: ['q_proj', 'v_proj'], layers: null, useRslora: false },
      rng,
    );
  const params = method === 'full' ? model.params.data : model.adapter.params.data;
  const grads = new Float32Array(params.length);
  const opt = new E.AdamW(params.length, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
  // B sequences of T + 1 random tokens: T targets each
  const examples = Array.from({ length: B }, (_, line) => {
    const ids = Array.from({ length: T + 1 }, () => rng.int(256));
    return { line, ids, mask: ids.map((_, i) => i > 0) };
  });
  const runner = await E.ParallelRunner.start(model, {
    trains: method === 'full' ? 'base' : 'adapter',
    threads,
    workerScript: join(out, 'engine.worker.js'),
  });
  const step = async () => {
    await runner.lossAndGrad(examples, 1 / (B * T), grads);
    opt.step(params, grads, 1e-3);
  };
  return { step, runner };
}

async function measure(step) {
  await step();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < SECONDS * 1000 || n < 2) {
    await step();
    n++;
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  return { cpu: (n * B * T) / cpu, wall: (n * B * T) / wall };
}

async function ours(name, method, threads) {
  const { step, runner } = await oursSetup(name, method, threads);
  try {
    return await measure(step);
  } finally {
    await runner.close();
  }
}

// ---- PyTorch --------------------------------------------------------------------------------
const PY = String.raw`
import ctypes, json, math, sys, time
import torch, torch.nn.functional as F
cfg, method, B, T, seconds, threads = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
default_threads = torch.get_num_threads()
if threads > 0: torch.set_num_threads(threads)
torch.manual_seed(0)
C, L, I, H, KVH, hd, V = cfg["hiddenSize"], cfg["numLayers"], cfg["intermediateSize"], cfg["numHeads"], cfg["numKvHeads"], cfg["headDim"], cfg["vocabSize"]
def P(*shape, std=0.02): return torch.nn.Parameter(torch.randn(*shape) * std)
emb = P(V, C); norms = [torch.nn.Parameter(torch.ones(C)) for _ in range(2 * L + 1)]
W = [{"q": P(H * hd, C), "k": P(KVH * hd, C), "v": P(KVH * hd, C), "o": P(C, H * hd), "g": P(I, C), "u": P(I, C), "d": P(C, I)} for _ in range(L)]
lora = {}
if method == "lora":
    for l in range(L):
        for m in ("q", "v"):
            out_f = W[l][m].shape[0]
            lora[(l, m)] = (torch.nn.Parameter(torch.empty(8, C).uniform_(-1 / math.sqrt(C), 1 / math.sqrt(C))), torch.nn.Parameter(torch.zeros(out_f, 8)))
    base = [emb] + norms + [w for d in W for w in d.values()]
    for p in base: p.requires_grad_(False)
    params = [p for ab in lora.values() for p in ab]
else:
    params = [emb] + norms + [w for d in W for w in d.values()]
opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.0)
inv = 1.0 / (10000 ** (torch.arange(0, hd, 2).float() / hd)); fr = torch.outer(torch.arange(T).float(), inv); e = torch.cat((fr, fr), -1); cos, sin = e.cos(), e.sin()
mask = torch.full((T, T), float("-inf")).triu(1)
def rms(x, w): return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5))
def rot(x): return torch.cat((-x[..., hd // 2:], x[..., :hd // 2]), -1)
def lin(x, l, m):
    y = x @ W[l][m].T
    if (l, m) in lora:
        A, Bm = lora[(l, m)]
        y = y + 2.0 * ((x @ A.T) @ Bm.T)
    return y
ids = torch.randint(0, 256, (B, T)); tgt = torch.randint(0, 256, (B, T))
def step():
    x = emb[ids]
    for l in range(L):
        h = rms(x, norms[2 * l])
        q = lin(h, l, "q").view(B, T, H, hd).transpose(1, 2); k = lin(h, l, "k").view(B, T, KVH, hd).transpose(1, 2); v = lin(h, l, "v").view(B, T, KVH, hd).transpose(1, 2)
        q, k = q * cos + rot(q) * sin, k * cos + rot(k) * sin
        k, v = k.repeat_interleave(H // KVH, 1), v.repeat_interleave(H // KVH, 1)
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + mask, -1)
        x = x + lin((a @ v).transpose(1, 2).reshape(B, T, H * hd), l, "o")
        h = rms(x, norms[2 * l + 1])
        x = x + lin(F.silu(lin(h, l, "g")) * lin(h, l, "u"), l, "d")
    logits = rms(x, norms[-1]) @ emb.T
    loss = F.cross_entropy(logits.view(-1, V), tgt.view(-1))
    opt.zero_grad(); loss.backward(); opt.step()
step()
c0, t0, n = time.process_time(), time.perf_counter(), 0
while time.perf_counter() - t0 < seconds or n < 2:
    step(); n += 1
cpu, wall = time.process_time() - c0, time.perf_counter() - t0
print(json.dumps({"cpu": n * B * T / cpu, "wall": n * B * T / wall, "steps": n, "torch": torch.__version__, "threads": torch.get_num_threads(),
                  "default_threads": default_threads}))
`;
// Which BLAS torch really calls: the library that its own sgemm_ reference resolves to (dlsym from
// libtorch_cpu, then dladdr), OpenBLAS's kernel choice, and a 512³ SGEMM's speed on one thread.
const PY_BLAS = String.raw`
import ctypes, json, os, time, torch
torch.set_num_threads(1)
a, b = torch.randn(512, 512), torch.randn(512, 512)
a @ b
t, n = time.perf_counter(), 0
while time.perf_counter() - t < 0.5:
    a @ b; n += 1
gflops = 2 * 512 ** 3 * n / (time.perf_counter() - t) / 1e9
class DlInfo(ctypes.Structure):
    _fields_ = [("fname", ctypes.c_char_p), ("fbase", ctypes.c_void_p), ("sname", ctypes.c_char_p), ("saddr", ctypes.c_void_p)]
maps = [l.split()[-1] for l in open("/proc/self/maps") if "/" in l]
provider = None
try:
    sgemm = ctypes.CDLL(next(m for m in maps if "libtorch_cpu" in m)).sgemm_
    info = DlInfo()
    ctypes.CDLL("libc.so.6").dladdr(ctypes.cast(sgemm, ctypes.c_void_p), ctypes.byref(info))
    provider = os.path.realpath(info.fname.decode())
except Exception:
    pass
core = None
for lib in sorted({m for m in maps if "openblas" in m}):
    try:
        f = ctypes.CDLL(lib).openblas_get_corename
        f.restype = ctypes.c_char_p
        core = f().decode()
        break
    except Exception:
        pass
print(json.dumps({"torch": torch.__version__, "sgemm_from": provider, "openblas_core": core, "sgemm_gflops_1thread": gflops}))
`;
const py = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0);
function torchRun(name, method, threads) {
  if (!py) return null;
  const env = { ...process.env };
  if (threads > 0)
    Object.assign(env, { OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) });
  const r = spawnSync(py, ['-c', PY, JSON.stringify(CONFIGS[name]), method, String(B), String(T), String(SECONDS), String(threads)], {
    encoding: 'utf8',
    env,
  });
  if (r.status !== 0) {
    console.error(`pytorch run failed: ${r.stderr.slice(-400)}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** The reference BLAS (netlib) is Debian's /usr/lib/<arch>/blas/libblas.so.3; OpenBLAS, BLIS and MKL live elsewhere. */
const isReferenceBlas = (lib) => /\/blas\/libblas\.so/.test(lib ?? '');

function blasInfo() {
  const r = spawnSync(py, ['-c', PY_BLAS], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
  if (r.status !== 0) return null;
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * How many cores this process really gets right now: a fixed JavaScript loop on THREADS worker threads
 * at once vs on one (THREADS = perfect; 1 = the other jobs on a shared machine leave one core).
 */
async function coresFree() {
  const code = `const { parentPort } = require('node:worker_threads');
    parentPort.on('message', () => { let x = 0; for (let i = 0; i < 6e7; i++) x += Math.sqrt(i); parentPort.postMessage(x); });`;
  const time = async (n) => {
    const ws = Array.from({ length: n }, () => new Worker(code, { eval: true }));
    const t0 = performance.now();
    await Promise.all(ws.map((w) => new Promise((r) => (w.once('message', r), w.postMessage(0)))));
    const t = performance.now() - t0;
    await Promise.all(ws.map((w) => w.terminate()));
    return t;
  };
  await time(1);
  const one = await time(1);
  return (THREADS * one) / (await time(THREADS));
}

console.log(
  `ftlab engine kernels: ${E.kernelName}; batch ${B} x block ${T}; median of ${ROUNDS} rounds of ${SECONDS}s per cell; this machine: ${availableParallelism()} threads`,
);
console.log(`cores this process gets now (${THREADS} threads of a busy loop vs 1): ${(await coresFree()).toFixed(2)} before the runs`);
let comparable = Boolean(py);
if (!py) console.log('PyTorch not found (apt-get install python3-torch libopenblas0-openmp): PyTorch columns skipped');
else {
  const libblas = spawnSync(
    'sh',
    ['-c', 'readlink -f /usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/libblas.so.3'],
    {
      encoding: 'utf8',
    },
  ).stdout.trim();
  const b = blasInfo();
  console.log(`libblas.so.3 -> ${libblas || 'not found'}`);
  if (!b) console.log('PyTorch BLAS: could not be determined');
  else {
    console.log(
      `PyTorch ${b.torch}: sgemm_ from ${b.sgemm_from ?? 'unknown'}${b.openblas_core && /openblas/.test(b.sgemm_from ?? '') ? ` (OpenBLAS kernels: ${b.openblas_core})` : ''}; 512³ SGEMM on 1 thread: ${b.sgemm_gflops_1thread.toFixed(1)} GFLOP/s`,
    );
    if (isReferenceBlas(b.sgemm_from)) {
      comparable = false;
      console.log(
        'PyTorch runs on the reference (netlib) BLAS here: its figures are shown, but no ratio is given; this is not a comparison (apt-get install libopenblas0-openmp)',
      );
    }
  }
}

const rows = [];
const ratio = (a, b) => (b && comparable ? (a / b).toFixed(2) : '-');
for (const name of Object.keys(CONFIGS))
  for (const method of ['lora', 'full']) {
    const runs = { one: [], t1: [], many: [], td: [] };
    for (let r = 0; r < ROUNDS; r++) {
      runs.one.push(await ours(name, method, 1));
      runs.t1.push(torchRun(name, method, 1));
      runs.many.push(await ours(name, method, THREADS));
      runs.td.push(torchRun(name, method, 0));
    }
    // per thread, the CPU-second rates compare; for the whole machine, the wall-second rates
    const median = (xs, key) => {
      const ok = xs.filter(Boolean).sort((a, b) => a[key] - b[key]);
      return ok.length ? ok[(ok.length - 1) >> 1] : null;
    };
    const one = median(runs.one, 'cpu');
    const t1 = median(runs.t1, 'cpu');
    const many = median(runs.many, 'wall');
    const td = median(runs.td, 'wall');
    rows.push({
      config: name,
      method,
      'ftlab 1 thr (cpu)': Math.round(one.cpu),
      'torch 1 thr (cpu)': t1 ? Math.round(t1.cpu) : 'skipped',
      'per thread': ratio(one.cpu, t1?.cpu),
      [`ftlab ${THREADS} thr (wall)`]: Math.round(many.wall),
      [`ftlab ${THREADS} thr (cpu)`]: Math.round(many.cpu),
      'torch default (wall)': td ? `${Math.round(td.wall)} (${td.threads} thr)` : 'skipped',
      'machine (wall)': ratio(many.wall, td?.wall),
    });
  }
console.table(rows);
console.log(`cores this process gets now: ${(await coresFree()).toFixed(2)} after the runs`);
