/**
 * The OMS Order node's items (pure): a stored order as the item it leaves as.
 */
import type { IDataObject } from 'n8n-workflow';
import type { StoredOrder } from '../../lib/store/types';
import { withoutRaw } from '../shared/items';

/** An order as an output item: the canonical order (what downstream nodes accept) plus `oms`, the store's view. */
export function toItem(stored: StoredOrder, keepRaw: boolean, extra: IDataObject = {}): IDataObject {
	return {
		...(withoutRaw(stored.order, keepRaw) as unknown as IDataObject),
		oms: {
			status: stored.status,
			hold: stored.hold as unknown as IDataObject,
			version: stored.version,
			recordedAt: stored.recordedAt,
			changedAt: stored.changedAt,
			...extra,
		},
	};
}
