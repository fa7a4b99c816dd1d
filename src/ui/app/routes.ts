// Every screen of the app and the parameters it opens with. Screens navigate with
// useNavigation().push({ screen: 'lesson', lessonId }) and friends.

import type { QuestionType } from '../../core/content/schema.js';

export type Route =
  | { screen: 'home' }
  /** Lesson list grouped by module. */
  | { screen: 'lessons'; moduleId?: string }
  /** Lesson reader; `anchor` jumps to a heading slug. */
  | { screen: 'lesson'; lessonId: string; anchor?: string }
  | { screen: 'stats' }
  | { screen: 'help' }
  | { screen: 'labs' }
  /** Quiz screen (src/ui/screens/Quiz.tsx); `pick` opens the picker (lesson/module/domain/type, count) first. */
  | { screen: 'quiz'; lesson?: string; module?: string; domain?: number; type?: QuestionType; count?: number; pick?: boolean }
  /** Due-card review (src/ui/screens/Review.tsx). */
  | { screen: 'review' }
  /** Mock exam (src/ui/screens/Exam.tsx). */
  | { screen: 'exam'; mode?: 'short' | 'full' }
  /** Interactive lab runner (src/ui/screens/LabRunner.tsx). */
  | { screen: 'lab'; labId: string };

export type ScreenName = Route['screen'];
export type RouteOf<S extends ScreenName> = Extract<Route, { screen: S }>;

/** Props every screen component receives. */
export interface ScreenProps<S extends ScreenName = ScreenName> {
  route: RouteOf<S>;
}
