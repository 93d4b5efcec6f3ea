/**
 * Which of two versions of one channel return is the newer (the store keeps the newer, whichever arrives first),
 * as lib/order/versions.ts decides for orders: by the channel's update time, then by how far along the channel
 * says the return is, then a fixed order over the content, so the store settles on the same version whichever
 * arrives first. The OMS's own parts (the refund, the units' dispositions) and the raw payload are not content.
 */
import { stableStringify } from '../order/json';
import type { CanonicalReturn, ChannelReturnState } from './types';

const STATE_RANK: Record<ChannelReturnState, number> = { requested: 0, authorised: 1, in_transit: 2, received: 3, closed: 4, declined: 5, cancelled: 5 };

/** What the channel said: everything but the raw payload, the update time and the OMS's own parts. */
export function returnContent(ret: CanonicalReturn): string {
	const content: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(ret)) {
		if (k === 'raw' || k === 'updatedAt' || k === 'refund') continue;
		content[k] = k === 'lines' && Array.isArray(v) ? v.map((line: Record<string, unknown>) => ({ ...line, dispositions: undefined })) : v;
	}
	return stableStringify(content);
}

/** 1 when `a` is the newer version, -1 when `b` is, 0 when they are the same version. */
export function compareReturnVersions(a: CanonicalReturn, b: CanonicalReturn): -1 | 0 | 1 {
	const ta = Date.parse(a.updatedAt);
	const tb = Date.parse(b.updatedAt);
	if (ta !== tb) return ta > tb ? 1 : -1;
	const ra = STATE_RANK[a.channelState] ?? -1;
	const rb = STATE_RANK[b.channelState] ?? -1;
	if (ra !== rb) return ra > rb ? 1 : -1;
	const ca = returnContent(a);
	const cb = returnContent(b);
	return ca === cb ? 0 : ca > cb ? 1 : -1;
}
