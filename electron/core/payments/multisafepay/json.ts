/**
 * The one JSON reader for everything MultiSafepay sends: API answers, stream events, refunds, terminal lists.
 * MultiSafepay's ids can be integers beyond what a JavaScript number holds exactly (a documented transaction_id
 * is 17472052901237122). Every integer that is not a safe JavaScript integer is read digit for digit as a string,
 * from the JSON text itself (the reviver's source text, part of JSON.parse since Node 21 / Chromium 114), so no id
 * is ever rounded - wherever in the answer it sits, at any depth, in any array.
 */

interface ReviverContext {
  source?: string;
}

const INTEGER = /^-?\d+$/;

/** JSON.parse, with integers beyond 2^53 read as their exact digits (a string). Throws on malformed JSON. */
export function parseMspJson(text: string): unknown {
  return JSON.parse(text, function (this: unknown, _key: string, value: unknown, context?: ReviverContext) {
    if (typeof value !== 'number' || Number.isSafeInteger(value)) return value;
    const source = context?.source;
    if (source === undefined) throw new Error('This JavaScript runtime cannot read long ids exactly.');
    return INTEGER.test(source) ? source : value;
  } as Parameters<typeof JSON.parse>[1]);
}
