import type { Command } from 'commander';

// Commands of this group are added as their implementation lands.
export function register(_program: Command): void {}
