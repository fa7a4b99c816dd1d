// AIF-C01-style mock exams: exact weighted draw, timed session saved as you go, scoring with an estimated scale.
export {
  DOMAINS,
  EXAM_MODES,
  EXAM_ITEM_TYPES,
  domainName,
  domainQuotas,
  allocateDraws,
  planExam,
  notExamReason,
  drawItems,
  seenInAttempts,
  ExamDrawError,
  type DrawItem,
  type DrawnQuestion,
  type ExamPlan,
  type PlanOptions,
} from './blueprint.js';
export { scaledScore, byDomain, byTask, weakestFirst, compareTasks, PASSING_SCALED, ASSUMED_CUT, SCALE_MIN, SCALE_MAX } from './score.js';
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
export type { ExamAttemptRecord, ExamItemResult, ExamMode, DomainScore, TaskScore } from '../store/exams.js';
