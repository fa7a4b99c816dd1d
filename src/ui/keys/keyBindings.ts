// Keys are data: every command the UI understands, its default bindings and a description.
// The `?` help overlay and the footer hints are generated from this table, and the keypress
// dispatcher (src/ui/contexts/KeypressContext.tsx) matches incoming keys against it.
// Binding strings: a key name ("up", "pagedown", "return", "escape", "tab", "space", "home", "end",
// "backspace", "delete") or one character ("j", "G", "?"), optionally prefixed by "ctrl+",
// "meta+" or "shift+" ("ctrl+c", "shift+tab"). Upper-case letters imply shift.

export enum Command {
  // app-wide
  QUIT = 'app.quit',
  FORCE_QUIT = 'app.forceQuit',
  HELP = 'app.help',
  BACK = 'app.back',
  HOME = 'app.home',
  // movement in lists and documents
  UP = 'nav.up',
  DOWN = 'nav.down',
  LEFT = 'nav.left',
  RIGHT = 'nav.right',
  PAGE_UP = 'nav.pageUp',
  PAGE_DOWN = 'nav.pageDown',
  HALF_PAGE_UP = 'nav.halfPageUp',
  HALF_PAGE_DOWN = 'nav.halfPageDown',
  TOP = 'nav.top',
  BOTTOM = 'nav.bottom',
  SELECT = 'nav.select',
  NEXT_FIELD = 'nav.nextField',
  PREV_FIELD = 'nav.prevField',
  // lesson reader
  TOC = 'lesson.toc',
  MARK_COMPLETE = 'lesson.complete',
  QUIZ_LESSON = 'lesson.quiz',
  NEXT_LESSON = 'lesson.next',
  PREV_LESSON = 'lesson.prev',
  // answering questions (quiz, review, exam screens)
  TOGGLE = 'answer.toggle',
  MOVE_ITEM_UP = 'answer.moveUp',
  MOVE_ITEM_DOWN = 'answer.moveDown',
  ANSWER_TRUE = 'answer.true',
  ANSWER_FALSE = 'answer.false',
  SUBMIT = 'answer.submit',
  RATE_AGAIN = 'rate.again',
  RATE_HARD = 'rate.hard',
  RATE_GOOD = 'rate.good',
  RATE_EASY = 'rate.easy',
  UNDO = 'rate.undo',
  OPEN_LESSON = 'answer.openLesson',
  PART_PREV = 'answer.partPrev',
  PART_NEXT = 'answer.partNext',
  LEAVE_FIELD = 'answer.leaveField',
  EDIT_FIELD = 'answer.editField',
  // exam
  FLAG = 'exam.flag',
  NAVIGATOR = 'exam.navigator',
  NEXT_QUESTION = 'exam.next',
  PREV_QUESTION = 'exam.prev',
  EXAM_FINISH = 'exam.finish',
  // exam start and result screens
  EXAM_START_SHORT = 'exam.startShort',
  EXAM_START_FULL = 'exam.startFull',
  EXAM_RESUME = 'exam.resume',
  EXAM_DISCARD = 'exam.discard',
  EXAM_REVIEW_ALL = 'exam.reviewAll',
  EXAM_REVIEW_WRONG = 'exam.reviewWrong',
  EXAM_HISTORY = 'exam.history',
  // yes/no questions
  CONFIRM = 'dialog.confirm',
  CANCEL = 'dialog.cancel',
  // home menu shortcuts
  GO_LEARN = 'go.learn',
  GO_REVIEW = 'go.review',
  GO_QUIZ = 'go.quiz',
  GO_EXAM = 'go.exam',
  GO_LABS = 'go.labs',
  GO_STATS = 'go.stats',

  LAB_NEXT_STEP = 'lab.nextStep',
  LAB_PREV_STEP = 'lab.prevStep',
  LAB_RUN_CHECKS = 'lab.runChecks',
  LAB_HINTS = 'lab.hints',
  LAB_OPEN_SCREEN = 'lab.openScreen',
  LAB_BACKEND = 'lab.backend',
  LAB_API = 'lab.api',
  LAB_PROMPT = 'lab.prompt',
  LAB_LOAD_TEST = 'lab.loadTest',
  LAB_CURL = 'lab.curl',
  LAB_METRICS = 'lab.metrics',
  LAB_PULL = 'lab.pull',
  LAB_TRAIN = 'lab.train',
  LAB_STOP = 'lab.stop',
  LAB_SAMPLE = 'lab.sample',
  LAB_KEEP_RUNNING = 'lab.keepRunning',
}

export type CommandGroup =
  'General' | 'Move' | 'Lesson' | 'Answer' | 'Rate' | 'Exam' | 'Exam menu' | 'Dialog' | 'Home' | 'Lab steps' | 'Lab';

export interface CommandInfo {
  bindings: string[];
  description: string;
  /** One or two words for footer hints. */
  short: string;
  group: CommandGroup;
}

export const defaultKeyBindings: Record<Command, CommandInfo> = {
  [Command.QUIT]: { bindings: ['q'], description: 'quit ftlab (from a screen: go back first)', short: 'quit', group: 'General' },
  [Command.FORCE_QUIT]: {
    bindings: ['ctrl+c'],
    description: 'quit immediately (progress is already saved)',
    short: 'quit now',
    group: 'General',
  },
  [Command.HELP]: { bindings: ['?'], description: 'show or hide this list of keys', short: 'keys', group: 'General' },
  [Command.BACK]: { bindings: ['escape', 'backspace'], description: 'go back', short: 'back', group: 'General' },
  [Command.HOME]: { bindings: ['H'], description: 'go to the home screen', short: 'home', group: 'General' },

  [Command.UP]: { bindings: ['up', 'k'], description: 'move up', short: 'up', group: 'Move' },
  [Command.DOWN]: { bindings: ['down', 'j'], description: 'move down', short: 'down', group: 'Move' },
  [Command.LEFT]: { bindings: ['left', 'h'], description: 'move left / previous', short: 'left', group: 'Move' },
  [Command.RIGHT]: { bindings: ['right', 'l'], description: 'move right / next', short: 'right', group: 'Move' },
  [Command.PAGE_UP]: { bindings: ['pageup', 'b', 'ctrl+b'], description: 'page up', short: 'page up', group: 'Move' },
  [Command.PAGE_DOWN]: { bindings: ['pagedown', 'space', 'ctrl+f'], description: 'page down', short: 'page down', group: 'Move' },
  [Command.HALF_PAGE_UP]: { bindings: ['ctrl+u'], description: 'half a page up', short: '½ up', group: 'Move' },
  [Command.HALF_PAGE_DOWN]: { bindings: ['ctrl+d'], description: 'half a page down', short: '½ down', group: 'Move' },
  [Command.TOP]: { bindings: ['g', 'home'], description: 'go to the top', short: 'top', group: 'Move' },
  [Command.BOTTOM]: { bindings: ['G', 'end'], description: 'go to the bottom', short: 'bottom', group: 'Move' },
  [Command.SELECT]: { bindings: ['return'], description: 'open / choose / confirm', short: 'open', group: 'Move' },
  [Command.NEXT_FIELD]: { bindings: ['tab'], description: 'next field', short: 'next field', group: 'Move' },
  [Command.PREV_FIELD]: { bindings: ['shift+tab'], description: 'previous field', short: 'prev field', group: 'Move' },

  [Command.TOC]: { bindings: ['t'], description: 'table of contents', short: 'contents', group: 'Lesson' },
  [Command.MARK_COMPLETE]: {
    bindings: ['c'],
    description: 'mark the lesson complete (again: not complete)',
    short: 'complete',
    group: 'Lesson',
  },
  [Command.QUIZ_LESSON]: { bindings: ['z'], description: 'quiz me on this lesson', short: 'quiz me', group: 'Lesson' },
  [Command.NEXT_LESSON]: { bindings: ['n'], description: 'next lesson', short: 'next lesson', group: 'Lesson' },
  [Command.PREV_LESSON]: { bindings: ['p'], description: 'previous lesson', short: 'prev lesson', group: 'Lesson' },

  [Command.TOGGLE]: { bindings: ['space'], description: 'select / unselect a choice', short: 'select', group: 'Answer' },
  [Command.MOVE_ITEM_UP]: { bindings: ['K', 'shift+up'], description: 'move the item up', short: 'move up', group: 'Answer' },
  [Command.MOVE_ITEM_DOWN]: { bindings: ['J', 'shift+down'], description: 'move the item down', short: 'move down', group: 'Answer' },
  [Command.ANSWER_TRUE]: { bindings: ['t'], description: 'answer true', short: 'true', group: 'Answer' },
  [Command.ANSWER_FALSE]: { bindings: ['f'], description: 'answer false', short: 'false', group: 'Answer' },
  [Command.SUBMIT]: { bindings: ['return'], description: 'submit the answer', short: 'submit', group: 'Answer' },
  [Command.OPEN_LESSON]: { bindings: ['o'], description: 'open the lesson this question comes from', short: 'lesson', group: 'Answer' },
  [Command.PART_PREV]: { bindings: ['[', 'ctrl+p'], description: 'previous part of a case study', short: 'prev part', group: 'Answer' },
  [Command.PART_NEXT]: { bindings: [']', 'ctrl+n'], description: 'next part of a case study', short: 'next part', group: 'Answer' },
  // A text field takes letters, so the one-letter keys work only after leaving it.
  [Command.LEAVE_FIELD]: {
    bindings: ['escape'],
    description: 'leave the text field (letters become keys again)',
    short: 'leave field',
    group: 'Answer',
  },
  [Command.EDIT_FIELD]: { bindings: ['return'], description: 'type in the text field again', short: 'edit answer', group: 'Answer' },

  [Command.RATE_AGAIN]: { bindings: ['1'], description: 'rate: Again', short: 'again', group: 'Rate' },
  [Command.RATE_HARD]: { bindings: ['2'], description: 'rate: Hard', short: 'hard', group: 'Rate' },
  [Command.RATE_GOOD]: { bindings: ['3'], description: 'rate: Good', short: 'good', group: 'Rate' },
  [Command.RATE_EASY]: { bindings: ['4'], description: 'rate: Easy', short: 'easy', group: 'Rate' },
  // Ctrl+Z too: after a rating the next card may be a typed answer, where u is a letter.
  [Command.UNDO]: { bindings: ['u', 'ctrl+z'], description: 'undo the last rating', short: 'undo', group: 'Rate' },

  // The second key of each works while a typed answer has the focus (its field takes letters and arrows).
  [Command.FLAG]: { bindings: ['m', 'ctrl+f'], description: 'mark (flag) the question for review', short: 'flag', group: 'Exam' },
  [Command.NAVIGATOR]: { bindings: ['v', 'ctrl+g'], description: 'question navigator', short: 'navigator', group: 'Exam' },
  [Command.NEXT_QUESTION]: { bindings: ['right', 'n', 'tab', 'pagedown'], description: 'next question', short: 'next', group: 'Exam' },
  [Command.PREV_QUESTION]: {
    bindings: ['left', 'p', 'shift+tab', 'pageup'],
    description: 'previous question',
    short: 'prev',
    group: 'Exam',
  },
  [Command.EXAM_FINISH]: {
    bindings: ['s', 'ctrl+e'],
    description: 'finish: list blanks, then submit the exam',
    short: 'submit exam',
    group: 'Exam',
  },

  [Command.EXAM_START_SHORT]: { bindings: ['s'], description: 'start a short exam', short: 'short exam', group: 'Exam menu' },
  [Command.EXAM_START_FULL]: {
    bindings: ['f'],
    description: 'start a full exam (65 questions, 90 minutes)',
    short: 'full exam',
    group: 'Exam menu',
  },
  [Command.EXAM_RESUME]: { bindings: ['r'], description: 'resume the saved attempt', short: 'resume', group: 'Exam menu' },
  [Command.EXAM_DISCARD]: { bindings: ['d'], description: 'discard the saved attempt (asks first)', short: 'discard', group: 'Exam menu' },
  [Command.EXAM_REVIEW_ALL]: {
    bindings: ['a'],
    description: 'review every question with explanations',
    short: 'review all',
    group: 'Exam menu',
  },
  [Command.EXAM_REVIEW_WRONG]: {
    bindings: ['w'],
    description: 'review the questions you got wrong',
    short: 'review wrong',
    group: 'Exam menu',
  },
  [Command.EXAM_HISTORY]: { bindings: ['h'], description: 'attempt history', short: 'history', group: 'Exam menu' },

  [Command.CONFIRM]: { bindings: ['y'], description: 'yes, go ahead', short: 'yes', group: 'Dialog' },
  [Command.CANCEL]: { bindings: ['n', 'escape'], description: 'no, cancel', short: 'no', group: 'Dialog' },

  [Command.GO_LEARN]: { bindings: ['l'], description: 'lessons', short: 'learn', group: 'Home' },
  [Command.GO_REVIEW]: { bindings: ['r'], description: 'review due cards', short: 'review', group: 'Home' },
  [Command.GO_QUIZ]: { bindings: ['z'], description: 'quiz', short: 'quiz', group: 'Home' },
  [Command.GO_EXAM]: { bindings: ['e'], description: 'mock exam', short: 'exam', group: 'Home' },
  [Command.GO_LABS]: { bindings: ['a'], description: 'labs', short: 'labs', group: 'Home' },
  [Command.GO_STATS]: { bindings: ['s'], description: 'statistics', short: 'stats', group: 'Home' },

  [Command.LAB_NEXT_STEP]: { bindings: ['right', 'l', 'tab'], description: 'next step of the lab', short: 'next step', group: 'Lab steps' },
  [Command.LAB_PREV_STEP]: {
    bindings: ['left', 'h', 'shift+tab'],
    description: 'previous step of the lab',
    short: 'prev step',
    group: 'Lab steps',
  },
  [Command.LAB_RUN_CHECKS]: {
    bindings: ['return'],
    description: "run this step's checks on your machine",
    short: 'run checks',
    group: 'Lab steps',
  },
  [Command.LAB_HINTS]: { bindings: ['space'], description: "show or hide this step's hints", short: 'hints', group: 'Lab steps' },
  [Command.LAB_OPEN_SCREEN]: {
    bindings: ['o'],
    description: "open the lab's own screen (where it has one)",
    short: 'lab screen',
    group: 'Lab steps',
  },

  [Command.LAB_BACKEND]: { bindings: ['b'], description: 'start or stop the model server', short: 'backend', group: 'Lab' },
  [Command.LAB_API]: { bindings: ['a'], description: 'start or stop the serving API', short: 'API', group: 'Lab' },
  [Command.LAB_PROMPT]: { bindings: ['p'], description: 'send a prompt and watch the answer stream', short: 'prompt', group: 'Lab' },
  [Command.LAB_LOAD_TEST]: { bindings: ['L'], description: 'run a short load test (p50/p99, req/s)', short: 'load test', group: 'Lab' },
  [Command.LAB_CURL]: { bindings: ['c'], description: 'show the equivalent curl commands', short: 'curl', group: 'Lab' },
  [Command.LAB_METRICS]: { bindings: ['m'], description: "show the API's /metrics counters", short: 'metrics', group: 'Lab' },
  [Command.LAB_PULL]: { bindings: ['u'], description: 'pull the model with Ollama (real Ollama only)', short: 'pull', group: 'Lab' },
  [Command.LAB_TRAIN]: { bindings: ['t'], description: 'start training with the chosen settings', short: 'train', group: 'Lab' },
  [Command.LAB_STOP]: { bindings: ['x'], description: 'stop training (a checkpoint is written)', short: 'stop', group: 'Lab' },
  [Command.LAB_SAMPLE]: { bindings: ['g'], description: 'show the next held-out generation', short: 'next sample', group: 'Lab' },
  [Command.LAB_KEEP_RUNNING]: {
    bindings: ['k'],
    description: "leaving a lab's screen: keep its servers running, so the lab steps can grade them",
    short: 'keep running',
    group: 'Lab',
  },
};
