/** What the Walmart client needs to call the API (its credential's data mapped by walmartCredentialsFrom). */
import { requireFields, str, type CredentialData } from '../../http/credential-data';

export interface WalmartCredentials {
	clientId: string;
	clientSecret: string;
	/** WM_SVC.NAME (default "Walmart Marketplace") */
	serviceName?: string;
	environment?: 'production' | 'sandbox';
	baseUrl?: string;
}

/** The Walmart credential's data (omsWalmartApi) -> the client's credentials */
export function walmartCredentialsFrom(d: CredentialData): WalmartCredentials {
	requireFields('Walmart', d, ['clientId', 'clientSecret']);
	return {
		clientId: str(d.clientId)!,
		clientSecret: str(d.clientSecret)!,
		serviceName: str(d.serviceName),
		environment: d.environment === 'sandbox' ? 'sandbox' : 'production',
		baseUrl: str(d.baseUrl),
	};
}
