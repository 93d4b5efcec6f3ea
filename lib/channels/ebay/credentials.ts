/** What the eBay client needs to call the API (its credential's data mapped by ebayCredentialsFrom). */
import { list, requireFields, str, type CredentialData } from '../../http/credential-data';

export interface EbayCredentials {
	appId: string;
	certId: string;
	refreshToken: string;
	/** Space-separated or array of OAuth scopes */
	scopes?: string | string[];
	environment?: 'production' | 'sandbox';
	/** Marketplace for inventory calls, e.g. EBAY_US */
	marketplaceId?: string;
	baseUrl?: string;
	/** OAuth token endpoint override (default `${baseUrl or the environment's API host}/identity/v1/oauth2/token`) */
	tokenUrl?: string;
}

/** The eBay credential's data (omsEbayApi) -> the client's credentials */
export function ebayCredentialsFrom(d: CredentialData): EbayCredentials {
	requireFields('eBay', d, ['appId', 'certId', 'refreshToken']);
	return {
		appId: str(d.appId)!,
		certId: str(d.certId)!,
		refreshToken: str(d.refreshToken)!,
		scopes: list(d.scopes).length ? list(d.scopes) : undefined,
		environment: d.environment === 'sandbox' ? 'sandbox' : 'production',
		marketplaceId: str(d.marketplaceId),
		baseUrl: str(d.baseUrl),
		tokenUrl: str(d.tokenUrl),
	};
}
