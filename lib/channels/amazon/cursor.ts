/**
 * The Amazon polling cursor.
 *
 * searchOrders pages are not sorted by update time, so a listing's cursor can only move to "newest update minus
 * overlap" once the listing has reached its last page. A listing larger than one poll can list is therefore made
 * resumable: the cursor of a page that is not the last one carries the listing in progress, and the next poll goes
 * on with the pending `paginationToken` instead of starting over.
 *
 *   plain   `2026-05-01T14:00:00.000Z`              a finished listing: the next listing starts here (also the
 *                                                   format written before resumable cursors; still read)
 *   resume  `v2:{"after":…,"token":…,"at":…,"max":…}`
 *       after  the listing's lastUpdatedAfter, exactly as sent (the token is only valid with identical parameters ✔
 *              Amazon's Orders API docs: "Every other parameter must stay identical except maxResultsPerPage and
 *              includedData"); also where a restart begins when the token can no longer be used
 *       token  pagination.nextToken of the last page handled: the next call lists the page after it
 *       at     when the token was received (ISO); a token expires after 24 h ✔, so one older than 23 h is not tried
 *       max    newest lastUpdatedTime seen so far in this listing (ISO, absent when none), so the final cursor covers
 *              the pages listed by earlier polls too
 *       before lastUpdatedBefore, only when the listing's first call sent one (this client sends none: the API
 *              fixes the listing's upper bound at the first call ⚠ and the token carries it)
 *
 * API (used by the client and by nodes/shared/polling.ts):
 *   encodeResume(state): string      decodeAmazonCursor(cursor): AmazonCursor | null (null: no/unreadable cursor)
 *   cursorWatermark(cursor, overlapMs?): { ms, resuming }  the earliest time the finished listing's cursor can be
 *       (for a plain cursor: its own time), and whether a listing is in progress; NaN when unknown.
 */
import { toMs } from '../../http/cursor';

export interface AmazonResumeState {
	after: string;
	token: string;
	at: string;
	max?: string;
	before?: string;
}

export type AmazonCursor = { kind: 'plain'; after: string } | ({ kind: 'resume' } & AmazonResumeState);

export const RESUME_PREFIX = 'v2:';
/** A token older than this is not tried (Amazon: 24 h), so a slow poll never races the expiry */
export const RESUME_MAX_AGE_MS = 23 * 3600_000;
export const AMAZON_CURSOR_OVERLAP_MS = 120_000;

export function encodeResume(s: AmazonResumeState): string {
	const o: AmazonResumeState = { after: s.after, token: s.token, at: s.at };
	if (s.max !== undefined) o.max = s.max;
	if (s.before !== undefined) o.before = s.before;
	return RESUME_PREFIX + JSON.stringify(o);
}

export function isResumeCursor(cursor: unknown): cursor is string {
	return typeof cursor === 'string' && cursor.startsWith(RESUME_PREFIX);
}

export function decodeAmazonCursor(cursor: string | null | undefined): AmazonCursor | null {
	if (!cursor) return null;
	if (!isResumeCursor(cursor)) return toMs(cursor) === undefined ? null : { kind: 'plain', after: cursor };
	let o: Partial<AmazonResumeState>;
	try {
		o = JSON.parse(cursor.slice(RESUME_PREFIX.length)) as Partial<AmazonResumeState>;
	} catch {
		return null;
	}
	if (typeof o !== 'object' || o === null || typeof o.after !== 'string' || toMs(o.after) === undefined) return null;
	// a resume cursor whose token part is damaged still says where the listing started
	if (typeof o.token !== 'string' || !o.token || typeof o.at !== 'string' || toMs(o.at) === undefined) return { kind: 'plain', after: o.after };
	return {
		kind: 'resume',
		after: o.after,
		token: o.token,
		at: o.at,
		...(typeof o.max === 'string' && toMs(o.max) !== undefined ? { max: o.max } : {}),
		...(typeof o.before === 'string' ? { before: o.before } : {}),
	};
}

export function cursorWatermark(cursor: string | null | undefined, overlapMs = AMAZON_CURSOR_OVERLAP_MS): { ms: number; resuming: boolean } {
	if (!isResumeCursor(cursor)) return { ms: cursor ? Date.parse(cursor) : NaN, resuming: false };
	const c = decodeAmazonCursor(cursor);
	if (!c) return { ms: NaN, resuming: false };
	const after = toMs(c.after) as number;
	const max = c.kind === 'resume' && c.max ? (toMs(c.max) as number) : undefined;
	return { ms: max === undefined ? after : Math.max(after, max - overlapMs), resuming: c.kind === 'resume' };
}
