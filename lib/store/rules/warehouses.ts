/**
 * Warehouses (issue 23), once for both stores: every input checked before anything is written (one wrong input
 * throws, naming it, and the batch writes nothing), then each row created or replaced by its location.
 */
import { checkWarehouse, type WarehouseInput } from '../../stock/warehouse';
import type { WarehouseUpsert } from '../types';
import { row, type Steps } from './tx';

export function* upsertWarehousesSteps(inputs: WarehouseInput[], now: string): Steps<WarehouseUpsert[]> {
	const checked = inputs.map(checkWarehouse);
	const seen = new Set<string>();
	for (const w of checked) {
		if (seen.has(w.location)) throw new RangeError(`Warehouse "${w.location}" is given twice in one upsert`);
		seen.add(w.location);
	}
	const out: WarehouseUpsert[] = [];
	for (const w of checked) {
		const created = yield* row('upsertWarehouse', w, now);
		out.push({ warehouse: { ...w, updatedAt: now }, created });
	}
	return out;
}
