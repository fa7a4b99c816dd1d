// Spaced repetition (FSRS via ts-fsrs): one card per question id, state rebuilt from the review log.
export { Deck, type DeckOptions, type DueQueue, type DailyLimits, type IntervalPreview } from './deck.js';
export { proposeRating, expectedAnswerMs, type ProposalInput } from './propose.js';
export { formatInterval } from './interval.js';
export { RATING_NAMES, STATE_NAMES, type RatingValue, type RatingName, type CardSnapshot, type ReviewEntry } from '../store/reviews.js';
