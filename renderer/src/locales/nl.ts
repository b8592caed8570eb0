/** Dutch UI text: every key of English, in Dutch. */
import type { Dict } from './en';
import { counter } from './nl/counter';
import { books } from './nl/books';
import { setup } from './nl/setup';

export const nl: Dict = { ...counter, ...books, ...setup };
