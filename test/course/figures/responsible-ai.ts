// Worked figures of module 9 (responsible-ai), recomputed with the course formula helpers.
import type { Figure } from '../load.js';
import { percentOf } from '../formulas.js';

/** Gap between two groups' shares of positive labels (what Clarify reports as DPL), as a fraction. */
const labelGap = (posA: number, totalA: number, posD: number, totalD: number) => (percentOf(posA, totalA) - percentOf(posD, totalD)) / 100;

export const figures: Figure[] = [{ question: 'rai-data-bias-variance-q08', expect: 0.25, compute: () => labelGap(300, 500, 70, 200) }];
