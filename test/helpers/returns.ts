/** Canonical returns for tests: valid by construction, varied by overrides. */
import type { CanonicalReturn, ReturnLine } from '../../lib/returns/types';

let seq = 0;

export function makeReturn(omsId: string, overrides: Partial<CanonicalReturn> & { lines?: ReturnLine[] } = {}): CanonicalReturn {
	seq += 1;
	const channel = overrides.channel ?? omsId.split(':')[0];
	const channelReturnId = overrides.channelReturnId ?? `R${seq}`;
	const ret: CanonicalReturn = {
		returnId: `${channel}:${channelReturnId}`,
		omsId,
		channel,
		channelReturnId,
		channelStatus: 'REQUESTED',
		channelState: 'requested',
		requestedAt: '2026-05-10T10:00:00.000Z',
		updatedAt: '2026-05-10T10:00:00.000Z',
		lines: [{ lineId: '1', sku: 'SKU-1', quantity: 1, channelReason: 'SIZE_TOO_SMALL', reason: 'size_fit' }],
		shipment: null,
		refund: null,
		...overrides,
	};
	ret.returnId = `${ret.channel}:${ret.channelReturnId}`;
	return ret;
}
