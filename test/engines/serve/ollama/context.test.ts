// keep_alive as Ollama reads it: a number of seconds or a Go duration string (time.ParseDuration's rules and
// error texts, which Ollama returns as its 400).
import { describe, expect, it } from 'vitest';
import { keepAliveProblem, unloads } from '../../../../src/engines/serve/ollama/context.js';

describe('keep_alive', () => {
  it('accepts numbers and Go durations', () => {
    for (const ok of [
      undefined,
      null,
      0,
      -1,
      300,
      1.5,
      '0',
      '-1s',
      '+5m',
      '10m',
      '1h30m',
      '1.5h',
      '.5s',
      '2.s',
      '300ms',
      '1us',
      '1µs',
      '1μs',
      '9ns',
    ])
      expect(keepAliveProblem(ok), String(ok)).toBeUndefined();
  });

  it("refuses what Go's time.ParseDuration refuses, with its message", () => {
    expect(keepAliveProblem('abc')).toBe('time: invalid duration "abc"');
    expect(keepAliveProblem('')).toBe('time: invalid duration ""');
    expect(keepAliveProblem('-')).toBe('time: invalid duration "-"');
    expect(keepAliveProblem('.s')).toBe('time: invalid duration ".s"');
    expect(keepAliveProblem('-1')).toBe('time: missing unit in duration "-1"');
    expect(keepAliveProblem('5m3')).toBe('time: missing unit in duration "5m3"');
    expect(keepAliveProblem('2d')).toBe('time: unknown unit "d" in duration "2d"');
    expect(keepAliveProblem('5 m')).toBe('time: unknown unit " m" in duration "5 m"');
    for (const bad of [true, {}, []]) expect(keepAliveProblem(bad)).toMatch(/keep_alive must be a duration/);
  });

  it('unloads on zero only', () => {
    for (const zero of [0, '0', '0s', '0m', '0.0h']) expect(unloads(zero), String(zero)).toBe(true);
    for (const other of [1, -1, '5m', '-1s', undefined]) expect(unloads(other), String(other)).toBe(false);
  });
});
