/**
 * The Inventory Allocator's items to plain values (pure): a WMS inventory item to a stock level. A bad value is an
 * ItemError naming the field, for that item only.
 */
import { ItemError } from '../../lib/flows';
import { unstorableIn } from '../../lib/order/storable';
import type { StockLevelInput, WarehouseInput } from '../../lib/store/types';

export interface StockFieldNames {
	sku: string;
	location: string;
	onHand: string;
}

/** One WMS inventory item as a stock level, or an ItemError naming the field. */
export function stockLevelFromItem(json: Record<string, unknown>, f: StockFieldNames): StockLevelInput {
	const rawSku = json[f.sku];
	const sku = typeof rawSku === 'number' ? String(rawSku) : rawSku;
	if (typeof sku !== 'string' || sku.trim() === '') {
		throw new ItemError(`Inventory item has no SKU in field "${f.sku}" (got ${JSON.stringify(rawSku) ?? 'nothing'})`, [
			{ path: `$.${f.sku}`, message: 'must be a non-empty SKU' },
		]);
	}
	const badSku = unstorableIn(sku);
	if (badSku) throw new ItemError(`Inventory item SKU in field "${f.sku}" must not contain ${badSku}`, [{ path: `$.${f.sku}`, message: `must not contain ${badSku}` }]);
	let onHand = json[f.onHand];
	if (typeof onHand === 'string' && onHand.trim() !== '') onHand = Number(onHand);
	if (typeof onHand !== 'number' || !Number.isFinite(onHand) || onHand < 0 || !Number.isInteger(onHand)) {
		throw new ItemError(
			`Inventory item ${sku}: on hand in field "${f.onHand}" must be a whole number of units >= 0, got ${JSON.stringify(json[f.onHand]) ?? 'nothing'}`,
			[{ path: `$.${f.onHand}`, message: 'must be a whole number >= 0' }],
		);
	}
	const loc = json[f.location];
	const level: StockLevelInput = { sku: sku.trim(), onHand };
	if (loc !== undefined && loc !== null && loc !== '') {
		if (typeof loc !== 'string' && typeof loc !== 'number') {
			throw new ItemError(`Inventory item ${sku}: location in field "${f.location}" must be text, got ${JSON.stringify(loc)}`, [
				{ path: `$.${f.location}`, message: 'must be text' },
			]);
		}
		level.location = String(loc).trim();
		const badLoc = unstorableIn(level.location);
		if (badLoc) throw new ItemError(`Inventory item ${sku}: location in field "${f.location}" must not contain ${badLoc}`, [{ path: `$.${f.location}`, message: `must not contain ${badLoc}` }]);
	}
	return level;
}

/**
 * One item as a warehouse (Warehouses > Create or Update): location, name, country, postcode, provider + credential
 * or ediPartner, channels (a list or comma-separated), priority, buffer, active. The values are checked by the
 * flow (lib/stock/warehouse.ts); here only their shape is read.
 */
export function warehouseFromItem(json: Record<string, unknown>): WarehouseInput {
	const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
	const num = (field: string): number | undefined => {
		const v = json[field];
		if (v === undefined || v === null || v === '') return undefined;
		const n = typeof v === 'string' ? Number(v) : v;
		if (typeof n !== 'number' || !Number.isFinite(n)) throw new ItemError(`Warehouse ${str(json.location) ?? ''}: ${field} must be a number, got ${JSON.stringify(v)}`, [{ path: `$.${field}`, message: 'must be a number' }]);
		return n;
	};
	const ch = json.channels;
	const channels = Array.isArray(ch) ? ch.map(String) : typeof ch === 'string' ? ch.split(',').map((c) => c.trim()).filter(Boolean) : [];
	const provider = str(json.provider);
	const partner = str(json.ediPartner);
	if (provider && partner) throw new ItemError(`Warehouse ${str(json.location) ?? ''}: give a WMS provider or an EDI partner, not both`, [{ path: '$.ediPartner', message: 'not with provider' }]);
	const active = json.active;
	return {
		location: str(json.location) ?? '',
		name: str(json.name),
		country: str(json.country) ?? '',
		postcode: str(json.postcode) ?? null,
		account: provider ? { kind: 'wms', provider, credential: str(json.credential) ?? '' } : partner ? { kind: 'edi', partner } : null,
		channels,
		priority: num('priority'),
		buffer: num('buffer'),
		active: active === undefined || active === null || active === '' ? true : active === true || active === 'true',
	};
}
