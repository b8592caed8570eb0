/** The input fields the method schemas share (`shared/contract.ts` and `contract/*.ts`): ids, amounts, rates, dates. */
import { z } from 'zod';

export const id = z
  .string()
  .trim()
  .min(1, 'Required')
  .max(50, 'At most 50 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'Only letters, digits, - and _');

export const minor = z.number().int('Whole cents only').positive('Must be more than zero').max(9_999_999_99);

export const vatRate = z.number().min(0, 'A VAT rate is 0 or more').max(100).multipleOf(0.01);

export const currency = z.string().regex(/^[A-Z]{3}$/, 'Three capital letters, e.g. EUR');

export const Empty = z.object({}).strict();

export const MAX_FLOAT = 100_000_00;

export const reason = z.string().trim().min(3, 'Give a reason').max(200, 'At most 200 characters');

export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD');

/** A folder chosen by the person (the desktop app's folder picker): an absolute path. */
export const folderPath = z
  .string()
  .max(1000)
  .refine((p) => /^(\/|[A-Za-z]:[\\/])/.test(p) && !p.includes('\0'), 'Choose a folder (a full path)');

/** A store credit note's code as typed or scanned (read leniently by `readCreditCode`, shared/credit.ts). */
export const creditCode = z.string().trim().min(1, 'Type the code on the credit note').max(20, 'At most 20 characters');
