// AIF-C01-style mock exams: weighted draw, timed session saved as you go, scoring with an estimated scale.
export { DOMAINS, EXAM_MODES, domainName, allocateDraws, planExam, type ExamPlan } from './blueprint.js';
export { scaledScore, byDomain, PASSING_SCALED, ASSUMED_CUT, SCALE_MIN, SCALE_MAX } from './score.js';
export {
  ExamSession,
  ExamTimeUpError,
  ExamInProgressError,
  startExam,
  resumeExam,
  examHistory,
  type ExamItem,
  type ResumeResult,
  type StartOptions,
  type QuestionLookup,
} from './session.js';
export type { ExamAttemptRecord, ExamItemResult, ExamMode, DomainScore } from '../store/exams.js';
