/**
 * The zone package: names, RDATA, master files, the name tree and the RFC 1034 lookup.
 * Other folders import from here (`../zone/index.js`) rather than from single files.
 */
export type { Labels, RRset, ResultKind, LookupResult, ZoneView, ZoneSetView } from './types.js';
export { RRType, CLASS_IN } from './types.js';
export { ZoneSyntaxError, ZoneError, ZoneFileError } from './errors.js';
export { internLowerLabel } from './label-intern.js';
export {
  MAX_LABEL_OCTETS, MAX_NAME_OCTETS, ROOT, toOctets, lowerLabel, lowerName, nameEquals, isSubdomain,
  nameWireLength, checkName, parseName, labelToText, nameToText, nameToWire, nameFromWire,
} from './name.js';
export { parseType, typeToText, parseClass, parseTtl, MAX_TTL } from './rrtype.js';
export { parseIPv4, parseIPv6, ipv4ToText, ipv6ToText } from './address.js';
export { rdataFromText, rdataFromTokens, rdataToText, genericToText, hasNativeForm, decodeText, quoteText } from './rdata.js';
export type { SoaFields } from './rdata-build.js';
export { aRdata, aaaaRdata, nameRdata, mxRdata, srvRdata, txtRdata, soaRdata, soaFields, rdataTarget, rdataTargetOffset } from './rdata-build.js';
export type { Token, Entry } from './lexer.js';
export { lexZone } from './lexer.js';
export type { ParseOptions, ParsedRecords } from './parse.js';
export { parseZoneText, parseZoneRecords, ZoneTextParser } from './parse.js';
export { loadZoneFile, loadZoneDirectory, originFromFileName } from './load.js';
export type { PrintableZone } from './print.js';
export { printZone, printRRset } from './print.js';
export { Zone, ZoneBuilder, buildZone } from './zone.js';
export type { ZoneChanges, RRsetKey } from './update.js';
export { MAX_CHAIN } from './lookup.js';
export { LookupScratch } from './answers.js';
export { ZoneSet } from './zone-set.js';
export { PackedRRset } from './packed-rrset.js';
