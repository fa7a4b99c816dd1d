// Settings and small state in settings.json, kept by `conf` (atomic whole-file writes).
//
// conf is not a database: it rewrites the whole file and has no multi-process safety. So every change goes
// through `update()`, which takes a lock, re-reads the file, applies the change and writes it back — two
// ftlab windows never overwrite each other's changes. Keep it small: per-review data belongs in the log.
// A damaged settings.json is kept as settings.json.corrupt-<time>; we fall back to the last good copy
// (settings.json.bak, refreshed whenever the file is read successfully) and otherwise to defaults,
// salvaging every top-level field that is still valid.
import Conf from 'conf';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
// zod's functional "mini" build: the home screen opens the store before its first frame, and the
// mini build evaluates in a fraction of the time of the full one (which the content loader uses).
import * as z from './zod-mini.js';
import { keepBadCopy, writeFileAtomic } from './atomic.js';
import { withLock } from './lock.js';
import { guard } from './errors.js';
import { ensureHome, resolveHome } from './home.js';
import type { StoreWarning } from './warnings.js';

export const SETTINGS_VERSION = 2;

const count = () => z.int().check(z.nonnegative());
const lessonProgress = z.object({
  /** First visible line of the lesson when the learner left it. */
  position: z.optional(count()),
  lastOpenedAt: z.optional(z.number()),
  completedAt: z.optional(z.number()),
});
const labStepResult = z.object({ passed: z.boolean(), at: z.number(), detail: z.optional(z.string()) });
const labProgress = z.object({
  steps: z._default(z.record(z.string(), labStepResult), () => ({})),
  completedAt: z.optional(z.number()),
});

/** Each top-level field is validated on its own, so one bad field does not cost the others. */
const fields = {
  schemaVersion: z._default(z.int(), SETTINGS_VERSION),
  limits: z._default(
    z.object({
      /** New cards introduced per day. */
      newPerDay: z._default(count(), 20),
      /** Reviews of already-seen cards per day. */
      reviewsPerDay: z._default(count(), 200),
    }),
    () => ({ newPerDay: 20, reviewsPerDay: 200 }),
  ),
  /**
   * Which new cards come first: "opened-first" (cards of lessons the learner has opened, then the rest;
   * both in course order) or "course" (every card in course order).
   */
  newCardOrder: z._default(z.string().check(z.regex(/^(opened-first|course)$/)), 'opened-first'),
  /** FSRS target probability of recalling a card when it comes due. */
  desiredRetention: z._default(z.number().check(z.gte(0.7), z.lte(0.99)), 0.9),
  /** Local hour at which a new study day starts (Anki's "next day starts at"). */
  dayStartsAtHour: z._default(z.int().check(z.gte(0), z.lte(23)), 4),
  lessons: z._default(z.record(z.string(), lessonProgress), () => ({})),
  labs: z._default(z.record(z.string(), labProgress), () => ({})),
  /** Local days (YYYY-MM-DD) with study activity other than reviews (lessons, exams, labs): for the streak. */
  activityDays: z._default(z.array(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/))), () => []),
  /** Free-form preferences owned by the UI (theme, last screen, …). */
  ui: z._default(z.record(z.string(), z.unknown()), () => ({})),
};
const settingsSchema = z.object(fields);
export type SettingsData = z.Infer<typeof settingsSchema>;
export type LessonProgress = z.Infer<typeof lessonProgress>;
export type LabProgress = z.Infer<typeof labProgress>;

export function defaultSettings(): SettingsData {
  return settingsSchema.parse({});
}

/** Format 1 (pre-release): flat limits, positions and a list of completed lessons. */
function migrateV1(old: Record<string, unknown>): Record<string, unknown> {
  const lessons: Record<string, LessonProgress> = {};
  const positions = (old.lessonPositions ?? {}) as Record<string, unknown>;
  for (const [id, pos] of Object.entries(positions)) if (typeof pos === 'number') lessons[id] = { position: Math.max(0, Math.floor(pos)) };
  const completed = Array.isArray(old.completedLessons) ? old.completedLessons : [];
  for (const id of completed) if (typeof id === 'string') lessons[id] = { ...lessons[id], completedAt: 0 };
  const { dailyNewLimit, dailyReviewLimit, lessonPositions: _p, completedLessons: _c, ...rest } = old;
  return {
    ...rest,
    schemaVersion: 2,
    limits: {
      newPerDay: typeof dailyNewLimit === 'number' ? dailyNewLimit : 20,
      reviewsPerDay: typeof dailyReviewLimit === 'number' ? dailyReviewLimit : 200,
    },
    lessons,
  };
}

/** Validate field by field; returns the settings and the names of fields that had to be reset. */
export function salvageSettings(raw: unknown): { data: SettingsData; reset: string[]; migratedFrom?: number } {
  let obj: Record<string, unknown> =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : {};
  let migratedFrom: number | undefined;
  const version =
    typeof obj.schemaVersion === 'number'
      ? obj.schemaVersion
      : obj.lessonPositions || obj.completedLessons || obj.dailyNewLimit !== undefined
        ? 1
        : SETTINGS_VERSION;
  if (version < 2) {
    obj = migrateV1(obj);
    migratedFrom = version;
  }
  const data: Record<string, unknown> = {};
  const reset: string[] = [];
  for (const [key, schema] of Object.entries(fields)) {
    const parsed = (schema as z.ZodMiniType).safeParse(obj[key]);
    if (parsed.success) data[key] = parsed.data;
    else {
      reset.push(key);
      data[key] = (schema as z.ZodMiniType).parse(undefined);
    }
  }
  // Keep unknown keys (written by a newer ftlab) rather than silently deleting them.
  for (const [key, value] of Object.entries(obj)) if (!(key in fields) && !key.startsWith('__')) data[key] = value;
  data.schemaVersion = SETTINGS_VERSION;
  return { data: data as SettingsData, reset, migratedFrom };
}

export class SettingsStore {
  private readonly conf: Conf<Record<string, unknown>>;
  readonly path: string;
  private readonly lockPath: string;
  private parseFailed = false;

  private constructor(conf: Conf<Record<string, unknown>>) {
    this.conf = conf;
    this.path = conf.path;
    this.lockPath = `${this.path}.lock`;
  }

  /**
   * Open settings in `home` (FTLAB_HOME) or conf's OS config dir. Warnings about damaged or migrated
   * files are pushed onto `warnings`.
   */
  static open(home: string | undefined, warnings: StoreWarning[]): SettingsStore {
    const dir = ensureHome(resolveHome(home));
    return guard(() => SettingsStore.openIn(dir, warnings), settingsPathIn(dir));
  }

  private static openIn(dir: string, warnings: StoreWarning[]): SettingsStore {
    let failed = false;
    const conf = new Conf<Record<string, unknown>>({
      // Always an explicit folder (the one ensureHome checked): conf's own default is the same path.
      cwd: dir,
      configName: 'settings',
      clearInvalidConfig: false,
      // Never let a damaged file throw out of conf (or be overwritten before we kept a copy of it).
      deserialize: (text: string) => {
        try {
          const value = JSON.parse(text) as unknown;
          if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
          return value as Record<string, unknown>;
        } catch {
          failed = true;
          return {};
        }
      },
      serialize: (value) => JSON.stringify(value, null, 2) + '\n',
    });
    const store = new SettingsStore(conf);
    store.parseFailed = failed;
    store.check(warnings);
    return store;
  }

  get dir(): string {
    return dirname(this.path);
  }

  private get backupPath(): string {
    return `${this.path}.bak`;
  }

  /** Validate what is on disk once at open: repair, migrate, refresh the last-good copy. */
  private check(warnings: StoreWarning[]): void {
    withLock(this.lockPath, () => {
      if (!existsSync(this.path)) {
        this.conf.store = defaultSettings() as unknown as Record<string, unknown>;
        return;
      }
      const text = readFileSync(this.path, 'utf8');
      let raw: unknown;
      let unreadable = false;
      try {
        raw = JSON.parse(text);
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) unreadable = true;
      } catch {
        unreadable = true;
      }
      if (unreadable) {
        const backup = keepBadCopy(this.path);
        const restored = this.readLastGood();
        const { data } = salvageSettings(restored ?? {});
        this.conf.store = data as unknown as Record<string, unknown>;
        warnings.push({
          file: this.path,
          level: 'warning',
          backup,
          message: restored
            ? 'settings.json was damaged; restored the last good copy (lesson positions or lab results from the last session may be missing)'
            : 'settings.json was damaged and no good copy existed; settings were reset to defaults (your reviews are kept in reviews.jsonl)',
        });
        return;
      }
      const { data, reset, migratedFrom } = salvageSettings(raw);
      if (reset.length || migratedFrom !== undefined) {
        const backup = keepBadCopy(this.path, reset.length ? 'corrupt' : 'pre-migration');
        warnings.push({
          file: this.path,
          level: reset.length ? 'warning' : 'info',
          backup,
          message: reset.length
            ? `settings.json had invalid ${reset.join(', ')}; ${reset.length === 1 ? 'it was' : 'they were'} reset to defaults, everything else kept`
            : `settings.json upgraded from format ${migratedFrom} to ${SETTINGS_VERSION}`,
        });
        this.conf.store = data as unknown as Record<string, unknown>;
      }
      // Refresh the last-good copy only when it differs (an fsync'ed write costs milliseconds).
      const good = JSON.stringify(data, null, 2) + '\n';
      let previous: string | undefined;
      try {
        previous = readFileSync(this.backupPath, 'utf8');
      } catch {
        previous = undefined;
      }
      if (previous !== good) writeFileAtomic(this.backupPath, good);
    });
  }

  private readLastGood(): unknown {
    try {
      const value = JSON.parse(readFileSync(this.backupPath, 'utf8')) as unknown;
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  /** The current settings, freshly read (another ftlab process may have changed them). */
  get(): SettingsData {
    return guard(() => salvageSettings(this.conf.store).data, this.path);
  }

  /** Change settings safely across processes: lock, re-read, mutate, validate, write. */
  update(mutate: (draft: SettingsData) => void): SettingsData {
    return guard(() => this.updateLocked(mutate), this.path);
  }

  private updateLocked(mutate: (draft: SettingsData) => void): SettingsData {
    return withLock(this.lockPath, () => {
      const draft = this.get();
      mutate(draft);
      const { data, reset } = salvageSettings(draft);
      if (reset.length) throw new Error(`invalid settings: ${reset.join(', ')}`);
      this.conf.store = data as unknown as Record<string, unknown>;
      return data;
    });
  }

  // ---- conveniences used by the screens --------------------------------------------------------

  setLimits(limits: Partial<SettingsData['limits']>): SettingsData {
    return this.update((s) => {
      s.limits = { ...s.limits, ...limits };
    });
  }

  setLessonPosition(lessonId: string, position: number, now = Date.now()): void {
    this.update((s) => {
      s.lessons[lessonId] = { ...s.lessons[lessonId], position: Math.max(0, Math.floor(position)), lastOpenedAt: now };
    });
  }

  completeLesson(lessonId: string, now = Date.now()): void {
    this.update((s) => {
      s.lessons[lessonId] = { ...s.lessons[lessonId], completedAt: now };
      addActivityDay(s, now);
    });
  }

  recordLabStep(labId: string, stepId: string, passed: boolean, detail?: string, now = Date.now()): void {
    this.update((s) => {
      const lab = s.labs[labId] ?? { steps: {} };
      lab.steps[stepId] = { passed, at: now, ...(detail ? { detail } : {}) };
      s.labs[labId] = lab;
      addActivityDay(s, now);
    });
  }

  completeLab(labId: string, now = Date.now()): void {
    this.update((s) => {
      s.labs[labId] = { ...(s.labs[labId] ?? { steps: {} }), completedAt: now };
      addActivityDay(s, now);
    });
  }

  /** Record that the learner studied today (lessons, exams, labs; reviews are counted from the log). */
  markActive(now = Date.now()): void {
    const settings = this.get();
    const day = studyDay(now, settings.dayStartsAtHour);
    if (settings.activityDays.includes(day)) return;
    this.update((s) => addActivityDay(s, now));
  }
}

const MAX_ACTIVITY_DAYS = 800;

function addActivityDay(s: SettingsData, now: number): void {
  const day = studyDay(now, s.dayStartsAtHour);
  if (!s.activityDays.includes(day)) {
    s.activityDays.push(day);
    s.activityDays.sort();
    if (s.activityDays.length > MAX_ACTIVITY_DAYS) s.activityDays.splice(0, s.activityDays.length - MAX_ACTIVITY_DAYS);
  }
}

/**
 * The study day (YYYY-MM-DD) that a moment belongs to, in local time shifted by the day-start hour: with
 * dayStartsAtHour 4, a review at 01:30 counts for the previous day. `tzMinutes` = UTC offset (60 for UTC+1);
 * defaults to this machine's offset at that moment.
 */
export function studyDay(at: number, dayStartsAtHour = 4, tzMinutes = localOffsetMinutes(at)): string {
  const dayNumber = Math.floor((at + tzMinutes * 60_000 - dayStartsAtHour * 3_600_000) / 86_400_000);
  let label = dayLabels.get(dayNumber);
  if (label === undefined) {
    label = new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
    if (dayLabels.size > 20_000) dayLabels.clear();
    dayLabels.set(dayNumber, label);
  }
  return label;
}
/** Day number → "YYYY-MM-DD" (formatting dates is the slow part when rebuilding 100,000 reviews). */
const dayLabels = new Map<number, string>();

/** This machine's UTC offset in minutes at `at` (positive east of Greenwich). */
export function localOffsetMinutes(at = Date.now()): number {
  return -new Date(at).getTimezoneOffset() || 0;
}

export const SETTINGS_FILE = 'settings.json';
export function settingsPathIn(home: string): string {
  return join(home, SETTINGS_FILE);
}
