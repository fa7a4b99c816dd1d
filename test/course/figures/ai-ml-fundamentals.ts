// Worked figures of the Fundamentals of AI and ML module (AIF-C01 Domain 1), recomputed with
// test/course/formulas.ts: the MAE/RMSE example in lesson aiml-measuring-models-and-value and the
// MAE numeric question.
import { fmtFixed, mean } from '../formulas.js';
import type { Figure } from '../load.js';

const L = 'aiml-measuring-models-and-value';
const mae = (errors: number[]): number => mean(errors.map((e) => Math.abs(e)));
const mse = (errors: number[]): number => mean(errors.map((e) => e * e));

// Error = forecast - actual for four days.
const forecastA = [52 - 50, 56 - 60, 56 - 55, 67 - 70]; // +2, -4, +1, -3
const forecastB = [50 - 50, 60 - 60, 55 - 55, 60 - 70]; // 0, 0, 0, -10

export const figures: Figure[] = [
  {
    lesson: L,
    expect: 'absolute errors 2, 4, 1 and 3, so MAE = 10 / 4 = 2.5 units',
    compute: () =>
      `absolute errors ${forecastA.map(Math.abs).slice(0, 3).join(', ')} and ${Math.abs(forecastA[3]!)}, so MAE = 10 / 4 = ${mae(forecastA)} units`,
  },
  {
    lesson: L,
    expect: 'Squared errors 4, 16, 1 and 9 average 30 / 4 = 7.5',
    compute: () =>
      `Squared errors ${forecastA
        .map((e) => e * e)
        .slice(0, 3)
        .join(', ')} and ${forecastA[3]! ** 2} average 30 / 4 = ${mse(forecastA)}`,
  },
  {
    lesson: L,
    expect: 'RMSE = √7.5 ≈ 2.74 units',
    compute: () => `RMSE = √${mse(forecastA)} ≈ ${fmtFixed(Math.sqrt(mse(forecastA)), 2)} units`,
  },
  {
    lesson: L,
    expect: 'absolute errors 0, 0, 0 and 10, so again MAE = 10 / 4 = 2.5 units',
    compute: () =>
      `absolute errors ${forecastB.map(Math.abs).slice(0, 3).join(', ')} and ${Math.abs(forecastB[3]!)}, so again MAE = 10 / 4 = ${mae(forecastB)} units`,
  },
  {
    lesson: L,
    expect: 'Squared errors 0, 0, 0 and 100 average 100 / 4 = 25',
    compute: () =>
      `Squared errors ${forecastB
        .map((e) => e * e)
        .slice(0, 3)
        .join(', ')} and ${forecastB[3]! ** 2} average 100 / 4 = ${mse(forecastB)}`,
  },
  { lesson: L, expect: 'RMSE = √25 = 5 units', compute: () => `RMSE = √${mse(forecastB)} = ${Math.sqrt(mse(forecastB))} units` },
  { question: 'aiml-measuring-models-and-value-q08', expect: 2, compute: () => mae([3, -1, 0, 2, -4]) },
];
