/** Formatting shared by the renderers. */
import { minorUnits } from '../../order/money';
import { channelLabel } from '../../channels/registry';
import type { Cell, Column, Row } from '../types';

/** A channel's label from the registry (lib/channels/registry.ts); another channel (an EDI retailer's) capitalised */
export function channelName(channel: string): string {
	const label = channelLabel(channel);
	return label !== channel ? label : channel ? channel[0].toUpperCase() + channel.slice(1) : channel;
}

/** A money amount with the currency's decimals and thousands separators: "USD 12,345.60". */
export function formatMoney(amount: number, currency: string, withCode = true): string {
	let decimals = 2;
	try {
		decimals = minorUnits(currency);
	} catch {
		// not a currency code: keep 2 decimals
	}
	const text = amount.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
	return withCode ? `${currency} ${text}` : text;
}

export function formatInt(n: number): string {
	return n.toLocaleString('en-US');
}

/** A cell as display text (HTML, Markdown). */
export function displayCell(col: Column, row: Row): string {
	const v: Cell = row[col.key];
	if (v === null || v === undefined) return '';
	switch (col.type) {
		case 'int':
			return typeof v === 'number' ? formatInt(v) : String(v);
		case 'money':
			return typeof v === 'number' ? formatMoney(v, String(row.currency ?? ''), false) : String(v);
		case 'number':
			return typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(v);
		case 'text':
			return col.key === 'channel' ? channelName(String(v)) : String(v);
		default:
			return String(v);
	}
}

/** A cell as CSV text: plain numbers (money with the currency's decimals, no separators), ISO times. */
export function csvCell(col: Column, row: Row): string {
	const v: Cell = row[col.key];
	if (v === null || v === undefined) return '';
	if (col.type === 'money' && typeof v === 'number') {
		let decimals = 2;
		try {
			decimals = minorUnits(String(row.currency ?? ''));
		} catch {
			// keep 2
		}
		return v.toFixed(decimals);
	}
	return String(v);
}
