// Build step picked up by scripts/build.mjs: compiles the engine's kernels from AssemblyScript
// (src/engines/llm/kernels/assembly/*.ts, entry index.ts, type-checked by its own tsconfig) to WebAssembly
// with 128-bit SIMD, written to dist/ftlab-kernels.wasm (build output, never committed).
// The module imports its memory as shared (a SharedArrayBuffer that grows without detaching, so the
// engine keeps typed-array views of its buffers in it). src/engines/llm/kernels/index.ts loads it when
// present and falls back to the plain JS kernels otherwise.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE_DIR = 'src/engines/llm/kernels/assembly';

export default async function buildKernels({ root }) {
  const { default: asc } = await import('assemblyscript/asc');
  const sources = {};
  for (const f of readdirSync(join(root, SOURCE_DIR)).filter((f) => f.endsWith('.ts'))) {
    sources[f] = readFileSync(join(root, SOURCE_DIR, f), 'utf8');
  }
  const result = await asc.compileString(sources, {
    optimizeLevel: 3,
    shrinkLevel: 0,
    runtime: 'stub',
    noAssert: true,
    enable: ['simd', 'threads'],
    importMemory: true,
    sharedMemory: true,
    initialMemory: 2,
    maximumMemory: 65536,
    exportRuntime: false,
  });
  if (result.error || !result.binary) {
    throw new Error(`AssemblyScript kernels failed to compile:\n${result.stderr?.toString() ?? result.error}`);
  }
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'dist/ftlab-kernels.wasm'), result.binary);
}
