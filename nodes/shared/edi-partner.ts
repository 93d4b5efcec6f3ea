/**
 * The omsEdiPartnerApi credential -> PartnerSettings (lib/edi/envelope.ts), 1:1 field names, and the pair of IDs a
 * received interchange must carry (the partner sends, we receive).
 */
import type { ICredentialsDecrypted, ICredentialTestFunctions, IExecuteFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { checkPartner, type PartnerSettings } from '../../lib/edi';
import { credentialData, safeTest } from './errors';

export interface Partner {
	settings: PartnerSettings;
	/** Expect a 997 for what we send (a 940 stays pending until it comes) */
	expect997: boolean;
	/** The channel a retailer's 850s are recorded under ('' = edi-<partner ID>) */
	channel: string;
}

const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : v == null ? d : String(v));

export function partnerFrom(d: Record<string, unknown>): Partner {
	const settings: PartnerSettings = {
		senderQualifier: str(d.senderQualifier, 'ZZ').trim(),
		senderId: str(d.senderId).trim(),
		receiverQualifier: str(d.receiverQualifier, 'ZZ').trim(),
		receiverId: str(d.receiverId).trim(),
		senderCode: str(d.senderCode).trim() || undefined,
		receiverCode: str(d.receiverCode).trim() || undefined,
		version: str(d.version, '4010') as PartnerSettings['version'],
		usage: str(d.usage, 'T') as PartnerSettings['usage'],
		ackRequested: d.ackRequested === true,
		element: str(d.element, '*'),
		segment: str(d.segment, '~'),
		component: str(d.component, '>'),
		repetition: str(d.repetition, '^'),
		lineBreak: d.lineBreak !== false,
		authQualifier: str(d.authQualifier, '00'),
		authInfo: str(d.authInfo),
		securityQualifier: str(d.securityQualifier, '00'),
		securityInfo: str(d.securityInfo),
	};
	return { settings, expect997: d.expect997 !== false, channel: str(d.channel).trim() };
}

export async function getPartner(ctx: IExecuteFunctions): Promise<Partner> {
	return partnerFrom(await credentialData(ctx, 'omsEdiPartnerApi'));
}

/**
 * credentialTest for omsEdiPartnerApi: EDI has no API to call, so the test checks the settings as the node will use
 * them (IDs, qualifiers, version, separators all different), naming every problem.
 */
export async function ediPartnerSettingsTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return safeTest('omsEdiPartnerApi', credential, async (data) => {
		const { settings } = partnerFrom(data);
		checkPartner(settings);
		return { status: 'OK', message: `Settings are valid: ${settings.senderQualifier}/${settings.senderId} to ${settings.receiverQualifier}/${settings.receiverId}, X12 ${settings.version}, ${settings.usage === 'P' ? 'production' : 'test'}` };
	});
}
