/** Staff: ids and PINs, a manager's inline approval, and a member as the screen sees it. */
import { z } from 'zod';

export const staffId = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9_-]+$/, 'Only letters, digits, - and _');

export const pin = z.string().regex(/^\d{4,8}$/, 'A PIN is 4 to 8 digits');

/**
 * Inline manager approval, allowed on any request: a manager-only action asked by a signed-in cashier runs when a
 * manager's id and PIN come with it (the cashier stays signed in; the PIN is checked and throttled as at sign-in,
 * and the approval is recorded in the staff log with the action's name).
 */
export const ApprovalSchema = z.object({ staffId, pin }).strict();

export type Approval = z.infer<typeof ApprovalSchema>;

export interface StaffMember {
  id: string;
  name: string;
  role: 'cashier' | 'manager';
  /** Locked after too many wrong PINs, until another manager or the API key unlocks them. */
  locked?: true;
}
