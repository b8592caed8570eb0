/** English UI text. The shape every other language follows. */
import { counter } from './en/counter';
import { books } from './en/books';
import { setup } from './en/setup';

export const en = { ...counter, ...books, ...setup };

export type Dict = { [k: string]: string | Dict };
