/**
 * Wire constants of the DNS message format (RFC 1035 §4.1) and EDNS(0) (RFC 6891) that the
 * front end needs. `as const` objects instead of enums, so values stay plain numbers on the
 * hot path.
 */

/** RCODEs (RFC 1035 §4.1.1, RFC 6891 §9 for the extended BADVERS). */
export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  BADVERS: 16,
} as const;
export type RcodeValue = (typeof Rcode)[keyof typeof Rcode];

/** OPCODEs (RFC 1035 §4.1.1, RFC 1996, RFC 2136). Only QUERY is served. */
export const Opcode = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

/** Header flag bits in the 16-bit flags word (bytes 2–3 of the header). */
export const Flag = {
  QR: 0x8000,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
  Z: 0x0040,
  AD: 0x0020,
  CD: 0x0010,
} as const;

export const HEADER_SIZE = 12;
/** RFC 1035 §2.3.4. */
export const MAX_NAME_OCTETS = 255;
export const MAX_LABEL_OCTETS = 63;
/** RFC 1035 §4.2.1: the UDP limit without EDNS. */
export const CLASSIC_UDP_SIZE = 512;
/** What we advertise and the most we send over UDP (DNS Flag Day 2020, as Knot and NSD). */
export const SERVER_UDP_SIZE = 1232;
/** RFC 1035 §4.2.2: a TCP message is framed by a 16-bit length. */
export const TCP_MAX_MESSAGE = 65535;
/** Size of an OPT RR with no options: root name, type, class, TTL, RDLEN. */
export const OPT_RR_SIZE = 11;
export const TYPE_OPT = 41;
export const TYPE_IXFR = 251;
export const TYPE_AXFR = 252;
export const CLASS_IN = 1;
/** The DO bit in the OPT TTL's low 16 bits (RFC 3225 §3). */
export const EDNS_DO = 0x8000;

export type Transport = 'udp' | 'tcp';

/**
 * Kernel receive buffer asked for on UDP sockets (both engines): absorbs bursts while the
 * event loop is busy. Best effort: the kernel caps it at net.core.rmem_max.
 */
export const UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
