// Ollama's per-request `template` (a Go text/template): the part ftlab renders, and a clear refusal for the rest.
import { describe, expect, it } from 'vitest';
import { renderTemplate, TemplateError } from '../../../../src/engines/serve/ollama/template.js';

describe('renderTemplate', () => {
  const MODEL_TEMPLATE = '{{ if .System }}System: {{ .System }}\n{{ end }}User: {{ .Prompt }}\nAssistant: ';

  it('renders fields and if/else if/else/end on empty and non-empty values', () => {
    expect(renderTemplate(MODEL_TEMPLATE, { Prompt: 'hi' })).toBe('User: hi\nAssistant: ');
    expect(renderTemplate(MODEL_TEMPLATE, { System: 'be brief', Prompt: 'hi' })).toBe('System: be brief\nUser: hi\nAssistant: ');
    const t = '{{ if .System }}S{{ else if .Prompt }}P{{ else }}none{{ end }}';
    expect(renderTemplate(t, { System: 'x', Prompt: 'y' })).toBe('S');
    expect(renderTemplate(t, { Prompt: 'y' })).toBe('P');
    expect(renderTemplate(t, { Prompt: '' })).toBe('none');
    expect(renderTemplate('{{ if .System }}{{ if .Prompt }}both{{ end }}{{ end }}.', { System: 's', Prompt: 'p' })).toBe('both.');
  });

  it('stops at {{ .Response }}, as Ollama does: the reply continues the prompt from there', () => {
    expect(renderTemplate('<u>{{ .Prompt }}</u><a>{{ .Response }}</a>', { Prompt: 'q' })).toBe('<u>q</u><a>');
    expect(renderTemplate('{{ if .Response }}never{{ end }}x', { Prompt: 'q' })).toBe('x');
  });

  it('applies the {{- -}} trim markers and skips comments', () => {
    expect(renderTemplate('a  \n {{- .Prompt -}} \n  b', { Prompt: 'P' })).toBe('aPb');
    expect(renderTemplate('{{/* a comment */}}Q: {{ .Prompt }}', { Prompt: 'x' })).toBe('Q: x');
  });

  it('refuses what it cannot render, naming the action', () => {
    for (const t of [
      '{{ range .Messages }}{{ .Content }}{{ end }}',
      '{{ .Tools }}',
      '{{ json .Prompt }}',
      '{{ if .System }}x',
      'x{{ end }}',
      '{{ .Prompt',
    ])
      expect(() => renderTemplate(t, { Prompt: 'x' }), t).toThrow(TemplateError);
    expect(() => renderTemplate('{{ range .Messages }}{{ end }}', { Prompt: 'x' })).toThrow(/range \.Messages/);
  });
});
