// Training throughput of ftlab's engine vs PyTorch on CPU, same shapes, same thread count (1), same run.
// Configs: the shipped micro model's shape and a 4-layer/128-wide Llama; block 128, batch 16;
// LoRA (r=8 on q_proj,v_proj) and full fine-tuning, one forward+backward+AdamW step per iteration.
// tokens/s are given per CPU second of the process (robust when other jobs share the machine) and
// per wall second. PyTorch is Debian's python3-torch; the BLAS it uses is printed (install
// libopenblas0-openmp for OpenBLAS, the reference BLAS is ~10x slower). Skipped when torch is absent.
// Options: --seconds S per measurement (default 4).
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { mkdirSync, copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const secIdx = process.argv.indexOf('--seconds');
const SECONDS = secIdx > 0 ? Number(process.argv[secIdx + 1]) : 4;
const B = 16,
  T = 128;

const CONFIGS = {
  'micro (2L/64w)': { vocabSize: 258, hiddenSize: 64, intermediateSize: 384, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 16 },
  '4L/128w': { vocabSize: 258, hiddenSize: 128, intermediateSize: 344, numLayers: 4, numHeads: 4, numKvHeads: 4, headDim: 32 },
};

// ---- ours ------------------------------------------------------------------------------------
mkdirSync(join(root, '.tmp'), { recursive: true });
const entry = join(root, '.tmp/bench-engine-entry.ts');
const { writeFileSync } = await import('node:fs');
writeFileSync(
  entry,
  `
export { LlamaModel } from '../src/engines/llm/model.js';
export { LoraAdapter } from '../src/engines/llm/lora.js';
export { AdamW } from '../src/engines/llm/optim.js';
export { Rng } from '../src/engines/llm/rng.js';
export { kernelName } from '../src/engines/llm/kernels/index.js';
`,
);
const bundle = join(root, '.tmp/bench-engine.mjs');
await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: bundle,
  logLevel: 'warning',
});
if (existsSync(join(root, 'dist/ftlab-kernels.wasm')))
  copyFileSync(join(root, 'dist/ftlab-kernels.wasm'), join(root, '.tmp/ftlab-kernels.wasm'));
const E = await import(pathToFileURL(bundle).href);

function oursStep(name, method) {
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
  let params, grads;
  if (method === 'full') {
    model.grads = model.params.zerosLike();
    [params, grads] = [model.params.data, model.grads];
  } else {
    model.adapter = E.LoraAdapter.create(
      cfg,
      { r: 8, alpha: 16, dropout: 0, targets: ['q_proj', 'v_proj'], layers: null, useRslora: false },
      rng,
    );
    model.adapterGrads = model.adapter.params.zerosLike();
    [params, grads] = [model.adapter.params.data, model.adapterGrads];
  }
  const opt = new E.AdamW(params.length, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
  const tokens = new Int32Array(B * T).map(() => rng.int(256));
  const targets = new Int32Array(B * T).map(() => rng.int(256));
  const phases = { forward: 0, backward: 0, optimizer: 0 };
  const step = () => {
    grads.fill(0);
    let t = performance.now();
    model.forward(tokens, targets, B, T);
    phases.forward += performance.now() - t;
    t = performance.now();
    model.backward();
    phases.backward += performance.now() - t;
    t = performance.now();
    opt.step(params, grads, 1e-3);
    phases.optimizer += performance.now() - t;
  };
  return { step, phases };
}

function measure(step) {
  step();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < SECONDS * 1000 || n < 2) {
    step();
    n++;
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  return { cpu: (n * B * T) / cpu, wall: (n * B * T) / wall, steps: n };
}

// ---- PyTorch --------------------------------------------------------------------------------
const PY = String.raw`
import json, math, sys, time
import torch, torch.nn.functional as F
torch.set_num_threads(1)
torch.manual_seed(0)
cfg, method, B, T, seconds = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
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
cfgs = torch.__config__.show()
blas = "OpenBLAS" if "openblas" in cfgs.lower() else ("MKL" if "mkl" in cfgs.lower() else "unknown")
print(json.dumps({"cpu": n * B * T / cpu, "wall": n * B * T / wall, "steps": n, "torch": torch.__version__, "blas": blas}))
`;
const py = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0);
function torchRun(name, method) {
  if (!py) return null;
  const r = spawnSync(py, ['-c', PY, JSON.stringify(CONFIGS[name]), method, String(B), String(T), String(SECONDS)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  if (r.status !== 0) {
    console.error(`pytorch run failed: ${r.stderr.slice(-400)}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
const blasLib = () => {
  const r = spawnSync('sh', ['-c', 'readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null'], { encoding: 'utf8' });
  return r.stdout.trim() || 'unknown';
};

console.log(`ftlab engine kernels: ${E.kernelName}; batch ${B} x block ${T}; 1 thread each; ${SECONDS}s per cell`);
if (!py) console.log('PyTorch not found (apt-get install python3-torch libopenblas0-openmp): PyTorch columns skipped');
else console.log(`PyTorch BLAS (libblas.so.3 ->): ${blasLib()}`);
const rows = [];
for (const name of Object.keys(CONFIGS))
  for (const method of ['lora', 'full']) {
    const o = oursStep(name, method);
    const ours = measure(o.step);
    const tot = o.phases.forward + o.phases.backward + o.phases.optimizer;
    const pt = torchRun(name, method);
    rows.push({
      config: name,
      method,
      'ftlab tok/s (cpu)': Math.round(ours.cpu),
      'ftlab tok/s (wall)': Math.round(ours.wall),
      'torch tok/s (cpu)': pt ? Math.round(pt.cpu) : 'skipped',
      'torch tok/s (wall)': pt ? Math.round(pt.wall) : 'skipped',
      'ratio (cpu)': pt ? (ours.cpu / pt.cpu).toFixed(2) : '-',
      'fwd/bwd/opt %': [o.phases.forward, o.phases.backward, o.phases.optimizer].map((x) => Math.round((100 * x) / tot)).join('/'),
    });
  }
console.table(rows);
