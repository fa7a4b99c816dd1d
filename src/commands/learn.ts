// `ftlab learn [LESSON_ID]`: the reader in a terminal; otherwise the lesson list or the lesson as
// plain text (or JSON), so piping a lesson into a pager or a file works too.
import { printJson } from '../shared/output.js';
import { UsageError } from '../shared/errors.js';
import { lessonProgress, openAppData } from '../app/app-data.js';
import { announceStoreNotices } from '../app/store-session.js';
import { findLesson, unknownLessonHint } from '../app/lessons.js';
import { lessonListModel } from '../app/lesson-list.js';
import { warningLines } from '../app/home-summary.js';
import { openTui, wantsTui, type StudyFlags } from './tui.js';

export async function runLearn(flags: StudyFlags & { lessonId?: string }): Promise<void> {
  const data = openAppData({ contentRoot: flags.root, home: flags.home });
  const lesson = flags.lessonId ? findLesson(data, flags.lessonId) : undefined;
  if (flags.lessonId && !lesson) throw new UsageError(`unknown lesson "${flags.lessonId}"`, unknownLessonHint(data, flags.lessonId));
  if (wantsTui(flags)) return openTui(lesson ? { screen: 'lesson', lessonId: lesson.id } : { screen: 'lessons' }, flags);
  const warnings = announceStoreNotices(data.warnings);

  if (!lesson) {
    const model = lessonListModel(data);
    if (flags.json) {
      printJson({ modules: model, warnings: data.warnings });
      return;
    }
    const out: string[] = [];
    const idWidth = Math.max(0, ...model.flatMap((m) => m.lessons.map((l) => l.id.length)));
    for (const m of model) {
      out.push(`${m.title}`);
      for (const l of m.lessons)
        out.push(
          `  ${l.status === 'done' ? '[x]' : l.status === 'started' ? '[~]' : '[ ]'} ${l.id.padEnd(idWidth)}  ${l.title} (${l.minutes} min)`,
        );
      out.push('');
    }
    out.push(...warningLines(warnings));
    out.push('Open one with: ftlab learn LESSON_ID');
    process.stdout.write(out.join('\n') + '\n');
    return;
  }
  const progress = lessonProgress(data, lesson.id);
  if (flags.json) {
    printJson({
      id: lesson.id,
      title: lesson.title,
      module: lesson.module,
      domain: lesson.domain,
      minutes: lesson.minutes,
      objectives: lesson.objectives,
      prerequisites: lesson.prerequisites,
      headings: lesson.headings,
      source: lesson.source,
      completed: progress.completedAt !== undefined,
      position: progress.position ?? 0,
      body: lesson.body,
    });
    return;
  }
  const [{ renderMarkdown }, { lineText }, { noColorTheme }, { unicodeGlyphs, asciiGlyphs }] = await Promise.all([
    import('../ui/markdown/render.js'),
    import('../ui/markdown/text.js'),
    import('../ui/theme/palettes.js'),
    import('../ui/theme/glyphs.js'),
  ]);
  const width = Math.min(100, process.stdout.columns || 80);
  const doc = renderMarkdown(lesson.tokens, {
    width,
    theme: noColorTheme,
    glyphs: flags.ascii || flags.screenReader ? asciiGlyphs : unicodeGlyphs,
    screenReader: flags.screenReader,
  });
  process.stdout.write(doc.lines.map((l) => lineText(l).trimEnd()).join('\n') + '\n');
}
