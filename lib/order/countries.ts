/**
 * ISO 3166-1: every officially assigned alpha-2 code with its alpha-3 code and a short English name.
 * One entry per line: "A2 A3 Name". 249 entries.
 */
export const ISO_3166_1 = `AD AND Andorra
AE ARE United Arab Emirates
AF AFG Afghanistan
AG ATG Antigua and Barbuda
AI AIA Anguilla
AL ALB Albania
AM ARM Armenia
AO AGO Angola
AQ ATA Antarctica
AR ARG Argentina
AS ASM American Samoa
AT AUT Austria
AU AUS Australia
AW ABW Aruba
AX ALA Aland Islands
AZ AZE Azerbaijan
BA BIH Bosnia and Herzegovina
BB BRB Barbados
BD BGD Bangladesh
BE BEL Belgium
BF BFA Burkina Faso
BG BGR Bulgaria
BH BHR Bahrain
BI BDI Burundi
BJ BEN Benin
BL BLM Saint Barthelemy
BM BMU Bermuda
BN BRN Brunei Darussalam
BO BOL Bolivia
BQ BES Bonaire, Sint Eustatius and Saba
BR BRA Brazil
BS BHS Bahamas
BT BTN Bhutan
BV BVT Bouvet Island
BW BWA Botswana
BY BLR Belarus
BZ BLZ Belize
CA CAN Canada
CC CCK Cocos (Keeling) Islands
CD COD Democratic Republic of the Congo
CF CAF Central African Republic
CG COG Congo
CH CHE Switzerland
CI CIV Cote d'Ivoire
CK COK Cook Islands
CL CHL Chile
CM CMR Cameroon
CN CHN China
CO COL Colombia
CR CRI Costa Rica
CU CUB Cuba
CV CPV Cabo Verde
CW CUW Curacao
CX CXR Christmas Island
CY CYP Cyprus
CZ CZE Czechia
DE DEU Germany
DJ DJI Djibouti
DK DNK Denmark
DM DMA Dominica
DO DOM Dominican Republic
DZ DZA Algeria
EC ECU Ecuador
EE EST Estonia
EG EGY Egypt
EH ESH Western Sahara
ER ERI Eritrea
ES ESP Spain
ET ETH Ethiopia
FI FIN Finland
FJ FJI Fiji
FK FLK Falkland Islands (Malvinas)
FM FSM Micronesia
FO FRO Faroe Islands
FR FRA France
GA GAB Gabon
GB GBR United Kingdom
GD GRD Grenada
GE GEO Georgia
GF GUF French Guiana
GG GGY Guernsey
GH GHA Ghana
GI GIB Gibraltar
GL GRL Greenland
GM GMB Gambia
GN GIN Guinea
GP GLP Guadeloupe
GQ GNQ Equatorial Guinea
GR GRC Greece
GS SGS South Georgia and the South Sandwich Islands
GT GTM Guatemala
GU GUM Guam
GW GNB Guinea-Bissau
GY GUY Guyana
HK HKG Hong Kong
HM HMD Heard Island and McDonald Islands
HN HND Honduras
HR HRV Croatia
HT HTI Haiti
HU HUN Hungary
ID IDN Indonesia
IE IRL Ireland
IL ISR Israel
IM IMN Isle of Man
IN IND India
IO IOT British Indian Ocean Territory
IQ IRQ Iraq
IR IRN Iran
IS ISL Iceland
IT ITA Italy
JE JEY Jersey
JM JAM Jamaica
JO JOR Jordan
JP JPN Japan
KE KEN Kenya
KG KGZ Kyrgyzstan
KH KHM Cambodia
KI KIR Kiribati
KM COM Comoros
KN KNA Saint Kitts and Nevis
KP PRK North Korea
KR KOR South Korea
KW KWT Kuwait
KY CYM Cayman Islands
KZ KAZ Kazakhstan
LA LAO Laos
LB LBN Lebanon
LC LCA Saint Lucia
LI LIE Liechtenstein
LK LKA Sri Lanka
LR LBR Liberia
LS LSO Lesotho
LT LTU Lithuania
LU LUX Luxembourg
LV LVA Latvia
LY LBY Libya
MA MAR Morocco
MC MCO Monaco
MD MDA Moldova
ME MNE Montenegro
MF MAF Saint Martin (French part)
MG MDG Madagascar
MH MHL Marshall Islands
MK MKD North Macedonia
ML MLI Mali
MM MMR Myanmar
MN MNG Mongolia
MO MAC Macao
MP MNP Northern Mariana Islands
MQ MTQ Martinique
MR MRT Mauritania
MS MSR Montserrat
MT MLT Malta
MU MUS Mauritius
MV MDV Maldives
MW MWI Malawi
MX MEX Mexico
MY MYS Malaysia
MZ MOZ Mozambique
NA NAM Namibia
NC NCL New Caledonia
NE NER Niger
NF NFK Norfolk Island
NG NGA Nigeria
NI NIC Nicaragua
NL NLD Netherlands
NO NOR Norway
NP NPL Nepal
NR NRU Nauru
NU NIU Niue
NZ NZL New Zealand
OM OMN Oman
PA PAN Panama
PE PER Peru
PF PYF French Polynesia
PG PNG Papua New Guinea
PH PHL Philippines
PK PAK Pakistan
PL POL Poland
PM SPM Saint Pierre and Miquelon
PN PCN Pitcairn
PR PRI Puerto Rico
PS PSE Palestine
PT PRT Portugal
PW PLW Palau
PY PRY Paraguay
QA QAT Qatar
RE REU Reunion
RO ROU Romania
RS SRB Serbia
RU RUS Russia
RW RWA Rwanda
SA SAU Saudi Arabia
SB SLB Solomon Islands
SC SYC Seychelles
SD SDN Sudan
SE SWE Sweden
SG SGP Singapore
SH SHN Saint Helena, Ascension and Tristan da Cunha
SI SVN Slovenia
SJ SJM Svalbard and Jan Mayen
SK SVK Slovakia
SL SLE Sierra Leone
SM SMR San Marino
SN SEN Senegal
SO SOM Somalia
SR SUR Suriname
SS SSD South Sudan
ST STP Sao Tome and Principe
SV SLV El Salvador
SX SXM Sint Maarten (Dutch part)
SY SYR Syria
SZ SWZ Eswatini
TC TCA Turks and Caicos Islands
TD TCD Chad
TF ATF French Southern Territories
TG TGO Togo
TH THA Thailand
TJ TJK Tajikistan
TK TKL Tokelau
TL TLS Timor-Leste
TM TKM Turkmenistan
TN TUN Tunisia
TO TON Tonga
TR TUR Turkiye
TT TTO Trinidad and Tobago
TV TUV Tuvalu
TW TWN Taiwan
TZ TZA Tanzania
UA UKR Ukraine
UG UGA Uganda
UM UMI United States Minor Outlying Islands
US USA United States
UY URY Uruguay
UZ UZB Uzbekistan
VA VAT Holy See
VC VCT Saint Vincent and the Grenadines
VE VEN Venezuela
VG VGB British Virgin Islands
VI VIR United States Virgin Islands
VN VNM Viet Nam
VU VUT Vanuatu
WF WLF Wallis and Futuna
WS WSM Samoa
YE YEM Yemen
YT MYT Mayotte
ZA ZAF South Africa
ZM ZMB Zambia
ZW ZWE Zimbabwe`;

/**
 * Other names people and channels write, keyed by their simplified form (see simplifyName in address.ts):
 * official long forms, former names, common abbreviations and a few local-language names.
 */
export const COUNTRY_ALIASES: Record<string, string> = {
	'united states of america': 'US',
	usa: 'US',
	us: 'US',
	america: 'US',
	'united states america': 'US',
	uk: 'GB',
	'great britain': 'GB',
	britain: 'GB',
	'united kingdom of great britain and northern ireland': 'GB',
	england: 'GB',
	scotland: 'GB',
	wales: 'GB',
	'northern ireland': 'GB',
	deutschland: 'DE',
	'federal republic of germany': 'DE',
	'russian federation': 'RU',
	'republic of korea': 'KR',
	'korea republic of': 'KR',
	korea: 'KR',
	'korea south': 'KR',
	'democratic peoples republic of korea': 'KP',
	'korea democratic peoples republic of': 'KP',
	'korea north': 'KP',
	vietnam: 'VN',
	'czech republic': 'CZ',
	'ivory coast': 'CI',
	turkey: 'TR',
	macedonia: 'MK',
	'republic of north macedonia': 'MK',
	swaziland: 'SZ',
	'cape verde': 'CV',
	burma: 'MM',
	holland: 'NL',
	nederland: 'NL',
	'the netherlands': 'NL',
	vatican: 'VA',
	'vatican city': 'VA',
	'vatican city state': 'VA',
	'holy see vatican city state': 'VA',
	'hong kong sar': 'HK',
	'hong kong sar china': 'HK',
	macau: 'MO',
	'macao sar china': 'MO',
	'taiwan province of china': 'TW',
	'republic of china': 'TW',
	'iran islamic republic of': 'IR',
	'syrian arab republic': 'SY',
	'lao peoples democratic republic': 'LA',
	'lao pdr': 'LA',
	'bolivia plurinational state of': 'BO',
	'venezuela bolivarian republic of': 'VE',
	'tanzania united republic of': 'TZ',
	'united republic of tanzania': 'TZ',
	'moldova republic of': 'MD',
	'republic of moldova': 'MD',
	'micronesia federated states of': 'FM',
	'federated states of micronesia': 'FM',
	'palestine state of': 'PS',
	'palestinian territories': 'PS',
	brunei: 'BN',
	uae: 'AE',
	'east timor': 'TL',
	drc: 'CD',
	'dr congo': 'CD',
	'congo kinshasa': 'CD',
	'congo democratic republic of the': 'CD',
	'republic of the congo': 'CG',
	'congo brazzaville': 'CG',
	'congo republic of the': 'CG',
	'falkland islands': 'FK',
	'virgin islands british': 'VG',
	'virgin islands us': 'VI',
	'us virgin islands': 'VI',
	'saint helena': 'SH',
	'sao tome and principe': 'ST',
	'the bahamas': 'BS',
	'the gambia': 'GM',
	'peoples republic of china': 'CN',
	prc: 'CN',
	espana: 'ES',
	italia: 'IT',
	schweiz: 'CH',
	suisse: 'CH',
	svizzera: 'CH',
	osterreich: 'AT',
	oesterreich: 'AT',
	sverige: 'SE',
	norge: 'NO',
	danmark: 'DK',
	polska: 'PL',
	belgique: 'BE',
	belgie: 'BE',
	brasil: 'BR',
	suomi: 'FI',
	eire: 'IE',
	nippon: 'JP',
	nihon: 'JP',
};
