/**
 * Input checks the inventoryAllocator node runs on each order before Reserve, so a bad item gets a clear error on
 * that item only (error output / continueOnFail) and the rest of the batch goes on.
 */
import type { CanonicalOrder, ValidationProblem } from '../order/types';

export type KnownSkus = Set<string> | ReadonlySet<string> | ((sku: string) => boolean);

/**
 * Problems with an order's lines for reservation, each with a JSON path:
 * no lines; a line without a SKU; a quantity that is missing, not a number, negative or fractional; a SKU that is
 * not known (when `knownSkus` is given: the SKUs with a stock row or a bundle definition); a duplicate lineId.
 * A quantity of 0 is allowed (nothing to reserve: a line the channel removed).
 */
export function validateReserveLines(
	order: Pick<CanonicalOrder, 'lines'> & Partial<Pick<CanonicalOrder, 'omsId'>>,
	knownSkus?: KnownSkus,
): ValidationProblem[] {
	const out: ValidationProblem[] = [];
	if (!order || !Array.isArray(order.lines)) return [{ path: '$.lines', message: 'the order has no lines list' }];
	if (order.lines.length === 0) out.push({ path: '$.lines', message: 'the order has no lines to reserve' });
	const known = knownSkus === undefined ? null : typeof knownSkus === 'function' ? knownSkus : (s: string) => knownSkus.has(s);
	const ids = new Set<string>();
	order.lines.forEach((line, i) => {
		const path = `$.lines[${i}]`;
		if (!line || typeof line !== 'object') {
			out.push({ path, message: 'line is not an object' });
			return;
		}
		if (typeof line.sku !== 'string' || line.sku.trim() === '') {
			out.push({ path: `${path}.sku`, message: 'line has no SKU' });
		} else if (known && !known(line.sku)) {
			out.push({ path: `${path}.sku`, message: `unknown SKU "${line.sku}": no stock row or bundle for it (has the WMS inventory been synced?)` });
		}
		const q = line.quantity as unknown;
		if (typeof q !== 'number' || !Number.isFinite(q)) {
			out.push({ path: `${path}.quantity`, message: `quantity must be a whole number, got ${JSON.stringify(q)}` });
		} else if (q < 0) {
			out.push({ path: `${path}.quantity`, message: `quantity must not be negative, got ${q}` });
		} else if (!Number.isInteger(q)) {
			out.push({ path: `${path}.quantity`, message: `quantity must be a whole number of units, got ${q}` });
		}
		if (line.lineId !== undefined && line.lineId !== null) {
			const id = String(line.lineId);
			if (ids.has(id)) out.push({ path: `${path}.lineId`, message: `duplicate lineId "${id}"` });
			ids.add(id);
		}
	});
	return out;
}

/** One line of text for an error message: `omsId: $.lines[0].quantity: ...; ...` */
export function describeProblems(problems: ValidationProblem[], omsId?: string): string {
	const body = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
	return omsId ? `${omsId}: ${body}` : body;
}
