// One module per command group; each owns its flags and lazily imports its implementation.
import type { Command } from 'commander';
import { register as study } from './study.js';
import { register as practice } from './practice.js';
import { register as content } from './content.js';
import { register as doctor } from './doctor.js';
import { register as progress } from './progress.js';
import { register as lab } from './lab.js';
import { register as metrics } from './metrics.js';
import { register as engine } from './engine.js';
import { register as serving } from './serving.js';

export function registerAll(program: Command): void {
  for (const reg of [study, practice, content, progress, lab, metrics, engine, serving, doctor]) reg(program);
}
