/** Trading partner settings and fixture reading for the EDI tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PartnerSettings } from '../../../lib/edi';

/** We (the seller) to the 3PL */
export const TO_WAREHOUSE: PartnerSettings = {
	senderQualifier: 'ZZ',
	senderId: 'SELLER',
	receiverQualifier: 'ZZ',
	receiverId: 'WAREHOUSE3PL',
	version: '4010',
	usage: 'T',
	ackRequested: false,
	element: '*',
	segment: '~',
	component: '>',
	lineBreak: true,
};

/** The 3PL to us (what the warehouse side of a test writes) */
export const FROM_WAREHOUSE: PartnerSettings = { ...TO_WAREHOUSE, senderId: 'WAREHOUSE3PL', receiverId: 'SELLER' };

/** A retailer sending us 850s (5010, other separators) */
export const FROM_RETAILER: PartnerSettings = {
	senderQualifier: '01',
	senderId: '123456789',
	receiverQualifier: 'ZZ',
	receiverId: 'SELLER',
	version: '5010',
	usage: 'P',
	ackRequested: false,
	element: '|',
	segment: '\n',
	component: ':',
	repetition: '^',
};
export const TO_RETAILER: PartnerSettings = { ...FROM_RETAILER, senderQualifier: 'ZZ', senderId: 'SELLER', receiverQualifier: '01', receiverId: '123456789' };

export function fixture(name: string): string {
	return readFileSync(join(__dirname, '../../fixtures/edi', name), 'utf8');
}
