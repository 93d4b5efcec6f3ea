/** The WMS node's credentials (n8n credential data) for each provider of a running WMS sandbox. */
import type { WmsProviderName } from '../../lib/wms';
import { SANDBOX_CREDENTIALS, type WmsSandbox } from '../sandbox/wms';

/** The n8n credential type of each provider */
export const WMS_CREDENTIAL_TYPE: Record<WmsProviderName, string> = { shipbob: 'omsShipBobApi', shiphero: 'omsShipHeroApi', extensiv: 'omsExtensivApi', generic: 'omsGenericWmsApi' };

/** The credential data of `p` (fields as in its credential file) pointing at the sandbox */
export function wmsCredentialData(sb: WmsSandbox, p: WmsProviderName): Record<string, unknown> {
	switch (p) {
		case 'shipbob':
			return { authType: 'token', token: SANDBOX_CREDENTIALS.shipbob.token, channelId: String(SANDBOX_CREDENTIALS.shipbob.channelId), apiVersion: '2026-01', baseUrl: sb.baseUrls.shipbob };
		case 'shiphero':
			return { authType: 'password', ...SANDBOX_CREDENTIALS.shiphero, baseUrl: sb.baseUrls.shiphero };
		case 'extensiv':
			return { ...SANDBOX_CREDENTIALS.extensiv, customerId: 1, facilityId: 1, baseUrl: sb.baseUrls.extensiv };
		case 'generic':
			return { baseUrl: sb.baseUrls.generic, authHeaderName: SANDBOX_CREDENTIALS.generic.headerName, authHeaderValue: SANDBOX_CREDENTIALS.generic.apiKey };
	}
}
