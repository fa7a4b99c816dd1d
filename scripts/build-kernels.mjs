// Build step picked up by scripts/build.mjs: compiles the engine's matrix kernels from AssemblyScript
// (src/engines/llm/kernels/assembly/matmul.ts, type-checked by its own tsconfig) to WebAssembly with
// 128-bit SIMD, written to dist/ftlab-kernels.wasm (build output, never committed).
// src/engines/llm/kernels/index.ts loads it when present and falls back to the plain JS kernels otherwise.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE_FILE = 'src/engines/llm/kernels/assembly/matmul.ts';

export default async function buildKernels({ root }) {
  const { default: asc } = await import('assemblyscript/asc');
  const result = await asc.compileString(
    { 'kernels.ts': readFileSync(join(root, SOURCE_FILE), 'utf8') },
    { optimizeLevel: 3, shrinkLevel: 0, runtime: 'stub', noAssert: true, enable: ['simd'], initialMemory: 2, exportRuntime: false },
  );
  if (result.error || !result.binary) {
    throw new Error(`AssemblyScript kernels failed to compile:\n${result.stderr?.toString() ?? result.error}`);
  }
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'dist/ftlab-kernels.wasm'), result.binary);
}
