/**
 * The OMS Order node's items (pure): a stored order as the item it leaves as.
 */
import type { IDataObject } from 'n8n-workflow';
import type { StoredOrder } from '../../lib/store/types';
import { omsView, withoutRaw } from '../shared/items';

/** An order as an output item: the canonical order (what downstream nodes accept) plus `oms`, the store's view. */
export function toItem(stored: StoredOrder, keepRaw: boolean, extra: IDataObject = {}): IDataObject {
	return { ...(withoutRaw(stored.order, keepRaw) as unknown as IDataObject), oms: omsView(stored, extra) };
}
