/** What the Amazon client needs to call the API (its credential's data mapped by amazonCredentialsFrom). */
import { list, requireFields, str, type CredentialData } from '../../http/credential-data';

export interface AmazonCredentials {
	lwaClientId: string;
	lwaClientSecret: string;
	refreshToken: string;
	region?: 'na' | 'eu' | 'fe';
	marketplaceIds: string[];
	sellerId: string;
	/** Product type for listings patches (default PRODUCT) */
	productType?: string;
	/** SP-API base URL override (sandbox); the LWA token URL defaults to `${baseUrl}/auth/o2/token` when set */
	baseUrl?: string;
	lwaUrl?: string;
}

/** The Amazon credential's data (omsAmazonSpApi) -> the client's credentials */
export function amazonCredentialsFrom(d: CredentialData): AmazonCredentials {
	requireFields('Amazon', d, ['lwaClientId', 'lwaClientSecret', 'refreshToken', 'sellerId']);
	const marketplaceIds = list(d.marketplaceIds);
	if (!marketplaceIds.length) throw new Error('Amazon credential is missing marketplaceIds');
	const region = str(d.region);
	return {
		lwaClientId: str(d.lwaClientId)!,
		lwaClientSecret: str(d.lwaClientSecret)!,
		refreshToken: str(d.refreshToken)!,
		region: region === 'eu' || region === 'fe' ? region : 'na',
		marketplaceIds,
		sellerId: str(d.sellerId)!,
		productType: str(d.productType),
		baseUrl: str(d.baseUrl),
		lwaUrl: str(d.lwaUrl),
	};
}
