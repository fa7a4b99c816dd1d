// Figures of module 10 (security-and-governance).
// The only numeric answer is a scope number of the Generative AI Security Scoping Matrix: no formula
// applies, so the figure pins the key to the order in which AWS publishes the five scopes.
import type { Figure } from '../load.js';

const SCOPES = ['consumer app', 'enterprise app', 'pre-trained models', 'fine-tuned models', 'self-trained models'];
const scopeNumber = (name: string) => SCOPES.indexOf(name) + 1;

export const figures: Figure[] = [
  { question: 'sg-data-governance-protocols-q03', expect: 4, compute: () => scopeNumber('fine-tuned models') },
];
