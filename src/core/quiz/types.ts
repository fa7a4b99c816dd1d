// What a learner answered, in terms of the ORIGINAL question (indices into the YAML lists, never into a
// shuffled display order), so grading does not depend on how choices were shuffled on screen.
export type Answer =
  | { type: 'single'; choice: number }
  | { type: 'multi'; choices: number[] }
  | { type: 'truefalse'; value: boolean }
  /** Original item indices in the order the learner put them. */
  | { type: 'order'; order: number[] }
  /** rights[i] = original index of the right-hand side the learner paired with left-hand item i (-1 = none). */
  | { type: 'match'; rights: number[] }
  | { type: 'cloze'; text: string }
  /** The text as typed ("0.5", "1,024", "65 536", "2e-4", "12.5%"); parsed when graded. */
  | { type: 'numeric'; text: string }
  /** Sub-question answers keyed by sub-question id; missing ones count as unanswered. */
  | { type: 'case'; answers: Record<string, Answer> };

/** Result of grading one answerable item (a question or one case sub-question). */
export interface ItemGrade {
  /** Question id, or "<case id>/<sub id>" for a case sub-question. */
  key: string;
  correct: boolean;
  answered: boolean;
  /** Why it is wrong, in words the UI can show ("2 of 4 pairs wrong", "expected 65536 ± 0"). */
  feedback?: string;
}

/** Result of grading a whole question (one card). */
export interface Grade {
  questionId: string;
  /** All items right (for a case question: every sub-question right). */
  correct: boolean;
  /** Share of items right, 0..1 (1 or 0 except for case questions). */
  score: number;
  items: ItemGrade[];
}
