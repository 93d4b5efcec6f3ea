/**
 * Walmart bulk inventory feed (US Marketplace) ✔ (developer.walmart.com us-marketplace/docs/bulk-inventory-update-feed;
 * InventoryApi updateBulkInventory in highsidelabs/walmart-api-php): POST /v3/feeds?feedType=inventory with the file
 * as multipart/form-data, spec 1.4 JSON {"InventoryHeader":{"version":"1.4"},"Inventory":[{sku, quantity{unit EACH,
 * amount}}]} ⚠ (the field layout through public code); the answer {feedId}; GET /v3/feeds/{feedId} feedStatus
 * RECEIVED | INPROGRESS | PROCESSED | ERROR ✔ with itemsReceived/itemsSucceeded/itemsFailed/itemsProcessing and,
 * with includeDetails=true, itemDetails.itemIngestionStatus[{sku, index, ingestionStatus, ingestionErrors}] paged by
 * offset/limit ✔ (Feeds models). 10 feeds an hour, 5 MB a file, up to 30 minutes to process ✔
 * (cl-marketplace/docs/bulk-inventory-update; the US page names 429 + Retry-After, not the numbers ⚠).
 *
 * This file holds what needs no HTTP: the file, its split into files under the size limit, the multipart body.
 */
import { randomBytes } from 'node:crypto';

/** ✔ 5 MB a file; a margin for the header and the multipart envelope */
export const WALMART_FEED_MAX_BYTES = 5 * 1024 * 1024 - 16 * 1024;
/** Item details per feed status page ⚠ (the sandbox and the models' examples use 50) */
export const WALMART_FEED_DETAIL_PAGE = 50;

const HEAD = '{"InventoryHeader":{"version":"1.4"},"Inventory":[';
const itemJson = (it: { sku: string; quantity: number }) => JSON.stringify({ sku: it.sku, quantity: { unit: 'EACH', amount: it.quantity } });

/** The items as spec 1.4 files, each under the size limit, in order (each file's items and its JSON) */
export function inventoryFeedFiles<T extends { sku: string; quantity: number }>(items: T[], maxBytes = WALMART_FEED_MAX_BYTES): Array<{ items: T[]; json: string }> {
	const files: Array<{ items: T[]; json: string }> = [];
	let cur: T[] = [];
	let parts: string[] = [];
	let size = Buffer.byteLength(HEAD) + 2;
	const flush = () => {
		if (cur.length) files.push({ items: cur, json: HEAD + parts.join(',') + ']}' });
		cur = [];
		parts = [];
		size = Buffer.byteLength(HEAD) + 2;
	};
	for (const it of items) {
		const j = itemJson(it);
		const add = Buffer.byteLength(j) + 1;
		if (cur.length && size + add > maxBytes) flush();
		cur.push(it);
		parts.push(j);
		size += add;
	}
	flush();
	return files;
}

/** A multipart/form-data body with one file part named "file" ✔ */
export function multipartFile(json: string, filename = 'inventory.json'): { contentType: string; body: string } {
	const boundary = `----oms${randomBytes(12).toString('hex')}`;
	return {
		contentType: `multipart/form-data; boundary=${boundary}`,
		body: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/json\r\n\r\n${json}\r\n--${boundary}--\r\n`,
	};
}
