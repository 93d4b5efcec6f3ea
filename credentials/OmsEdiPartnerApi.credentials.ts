import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * One X12 trading partner (a 3PL's warehouse or a retailer): both sides' interchange IDs and qualifiers, the GS
 * application codes, the separators and version we write, test/production, and whether acknowledgments are asked
 * for. Fields map 1:1 to PartnerSettings (lib/edi/envelope.ts) through nodes/shared/edi-partner.ts. EDI has no API to test
 * against: the node-side test (ediPartnerSettingsTest) and every interchange the node builds check the settings. Transport stays
 * n8n's own (Read/Write Files from Disk, FTP/SFTP nodes).
 */
export class OmsEdiPartnerApi implements ICredentialType {
	name = 'omsEdiPartnerApi';

	displayName = 'EDI Trading Partner (X12)';

	icon = { light: 'file:../nodes/Edi/edi.svg', dark: 'file:../nodes/Edi/edi.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-oms-wms/n8n-nodes-oms-wms/blob/main/docs/credentials/omsEdiPartnerApi.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Our ID Qualifier',
			name: 'senderQualifier',
			type: 'string',
			default: 'ZZ',
			required: true,
			description: 'ISA05: how our ID is issued, e.g. ZZ (mutually defined), 01 (DUNS), 12 (phone), 08 (UCC EDI)',
		},
		{
			displayName: 'Our ID',
			name: 'senderId',
			type: 'string',
			default: '',
			required: true,
			description: 'ISA06: our interchange ID, up to 15 characters (padded with blanks)',
		},
		{
			displayName: 'Partner ID Qualifier',
			name: 'receiverQualifier',
			type: 'string',
			default: 'ZZ',
			required: true,
			description: 'ISA07: the partner\'s ID qualifier',
		},
		{
			displayName: 'Partner ID',
			name: 'receiverId',
			type: 'string',
			default: '',
			required: true,
			description: 'ISA08: the partner\'s interchange ID, up to 15 characters',
		},
		{
			displayName: 'Our Application Code',
			name: 'senderCode',
			type: 'string',
			default: '',
			description: 'GS02; empty: our ID',
		},
		{
			displayName: 'Partner Application Code',
			name: 'receiverCode',
			type: 'string',
			default: '',
			description: 'GS03; empty: the partner ID',
		},
		{
			displayName: 'Version',
			name: 'version',
			type: 'options',
			options: [
				{ name: '004010', value: '4010' },
				{ name: '005010', value: '5010' },
			],
			default: '4010',
			description: 'X12 version of what we send (ISA12 00401/00501, GS08 004010/005010)',
		},
		{
			displayName: 'Usage',
			name: 'usage',
			type: 'options',
			options: [
				{ name: 'Production (P)', value: 'P' },
				{ name: 'Test (T)', value: 'T' },
			],
			default: 'T',
			description: 'ISA15: switch to Production once the partner has certified the exchange',
		},
		{
			displayName: 'Expect 997 Acknowledgments',
			name: 'expect997',
			type: 'boolean',
			default: true,
			description: 'Whether the partner sends a 997 for what we send: a 940 then stays pending in the OMS until its 997 comes',
		},
		{
			displayName: 'Request TA1 (ISA14)',
			name: 'ackRequested',
			type: 'boolean',
			default: false,
			description: 'Whether to ask for an interchange (TA1) acknowledgment',
		},
		{
			displayName: 'Retailer Channel Name',
			name: 'channel',
			type: 'string',
			default: '',
			placeholder: 'e.g. edi-acme',
			description: 'For a retailer: the channel its 850 orders are recorded under (omsId is channel:PO number). Empty: edi-&lt;partner ID&gt;.',
		},
		{
			displayName: 'Element Separator',
			name: 'element',
			type: 'string',
			default: '*',
			description: 'What we write; what we read is taken from each received ISA',
		},
		{
			displayName: 'Segment Terminator',
			name: 'segment',
			type: 'string',
			default: '~',
		},
		{
			displayName: 'Sub-Element Separator',
			name: 'component',
			type: 'string',
			default: '>',
			description: 'ISA16',
		},
		{
			displayName: 'Repetition Separator',
			name: 'repetition',
			type: 'string',
			default: '^',
			description: 'ISA11 in 5010',
		},
		{
			displayName: 'Line Break After Each Segment',
			name: 'lineBreak',
			type: 'boolean',
			default: true,
			description: 'Whether to write each segment on its own line (most partners accept it; turn off for those that do not)',
		},
		{
			displayName: 'Authorization Qualifier',
			name: 'authQualifier',
			type: 'string',
			default: '00',
			description: 'ISA01; 00: no authorization information',
		},
		{
			displayName: 'Authorization Information',
			name: 'authInfo',
			type: 'string',
			default: '',
			description: 'ISA02, up to 10 characters',
		},
		{
			displayName: 'Security Qualifier',
			name: 'securityQualifier',
			type: 'string',
			default: '00',
			description: 'ISA03; 00: no security information, 01: password',
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password -- ISA04 is the interchange password some partners require
		{
			displayName: 'Security Information',
			name: 'securityInfo',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'ISA04, up to 10 characters (a password some partners require)',
		},
	];
}
