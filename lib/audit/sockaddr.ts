// Decodes the saddr= hex of SOCKADDR records: the raw struct sockaddr the process passed, exactly
// addrlen bytes. sa_family and other host-order fields are in the byte order of the machine that
// wrote the log (big-endian on ppc64/s390x); ports and IP addresses are always network order.

/** Family names as `ausearch -i` prints saddr_fam=, indexed by AF_* number. */
const FAMILY_NAMES: readonly (string | undefined)[] = [
  undefined, // 0 AF_UNSPEC: ausearch prints unknown-family(0)
  "local",
  "inet",
  "ax25",
  "ipx",
  "appletalk",
  "netrom",
  "bridge",
  "atmpvc",
  "x25",
  "inet6",
  "rose",
  "decnet",
  "netbeui",
  "security",
  "key",
  "netlink",
  "packet",
  "ash",
  "econet",
  "atmsvc",
  "rds",
  "sna",
  "irda",
  "pppox",
  "wanpipe",
  "llc",
  "ib", // 27-28 and 45 are unnamed in auparse 3.0.9; named here from <bits/socket.h>
  "mpls",
  "can",
  "tipc",
  "bluetooth",
  "iucv",
  "rxrpc",
  "isdn",
  "phonet",
  "ieee802154",
  "caif",
  "alg",
  "nfc",
  "vsock",
  "kcm",
  "qipcrtr",
  "smc",
  "xdp",
  "mctp",
];

export type ByteOrder = "little" | "big";

/** Family as a name where one is known, else the AF_* number. */
export type SockaddrFamily = string | number;

interface Decoded {
  readonly familyNumber: number;
  /** Byte order used for sa_family and host-order fields. */
  readonly byteOrder: ByteOrder;
}

export interface SockaddrInet extends Decoded {
  readonly kind: "inet";
  readonly family: "inet";
  readonly port: number;
  readonly address: string;
}

export interface SockaddrInet6 extends Decoded {
  readonly kind: "inet6";
  readonly family: "inet6";
  readonly port: number;
  /** As inet_ntop writes it (what ausearch shows): "::1", "::ffff:192.168.1.1". */
  readonly address: string;
  readonly flowinfo: number;
  /** Only when the 28-byte form (with sin6_scope_id) was logged. */
  readonly scopeId?: number;
}

export interface SockaddrUnix extends Decoded {
  readonly kind: "unix";
  readonly family: "local";
  /** "path" (filesystem), "abstract" (leading NUL), "unnamed" (addrlen == 2). */
  readonly addressType: "path" | "abstract" | "unnamed";
  /** Filesystem path, "@name" for abstract sockets, "" for unnamed. */
  readonly path: string;
}

export interface SockaddrNetlink extends Decoded {
  readonly kind: "netlink";
  readonly family: "netlink";
  /** nl_pid: 0 is the kernel. */
  readonly pid: number;
  /** nl_groups multicast bitmask. */
  readonly groups: number;
}

export interface SockaddrPacket extends Decoded {
  readonly kind: "packet";
  readonly family: "packet";
  /** sll_protocol, an ETH_P_* value (network order in the struct). */
  readonly protocol: number;
  readonly ifindex: number;
  readonly hatype?: number;
  readonly pkttype?: number;
  /** Hardware address "aa:bb:…" (sll_halen bytes) when present. */
  readonly address?: string;
}

/** A family this decoder does not take apart. */
export interface SockaddrOther extends Decoded {
  readonly kind: "other";
  readonly family: SockaddrFamily;
}

/** Bad hex, or too few bytes for the family: never thrown, returned. */
export interface SockaddrError {
  readonly kind: "error";
  readonly family: SockaddrFamily;
  readonly familyNumber?: number;
  readonly error: string;
}

export type Sockaddr =
  | SockaddrInet
  | SockaddrInet6
  | SockaddrUnix
  | SockaddrNetlink
  | SockaddrPacket
  | SockaddrOther
  | SockaddrError;

export interface DecodeSockaddrOptions {
  /**
   * Byte order of the logging host, e.g. from archFromHex(arch).littleEndian. Without it the order
   * is inferred from sa_family: every AF_* value is < 256, so exactly one of its two bytes is 0.
   */
  readonly byteOrder?: ByteOrder;
}

export function familyName(n: number): SockaddrFamily {
  return FAMILY_NAMES[n] ?? n;
}

function hexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** Bytes up to (not including) the first NUL, as UTF-8 (invalid sequences become U+FFFD). */
function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return utf8.decode(end === -1 ? bytes : bytes.subarray(0, end));
}

/** IPv6 text exactly as glibc inet_ntop: "::" for the longest run of ≥2 zero groups (first on a
 * tie), and dotted IPv4 for ::a.b.c.d and ::ffff:a.b.c.d, so it matches ausearch. */
export function formatIpv6(addr: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push(((addr[i * 2] ?? 0) << 8) | (addr[i * 2 + 1] ?? 0));
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ":";
      continue;
    }
    if (i !== 0) out += ":";
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      out += `${addr[12]}.${addr[13]}.${addr[14]}.${addr[15]}`;
      return out;
    }
    out += (words[i] ?? 0).toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) out += ":";
  return out;
}

/**
 * Decodes a SOCKADDR record's saddr= hex. Never throws: bad input gives `kind: "error"`.
 * decodeSockaddr("02001BBA7F0000010000000000000000") → { kind: "inet", address: "127.0.0.1", port: 7098, … }
 */
export function decodeSockaddr(hex: string, options: DecodeSockaddrOptions = {}): Sockaddr {
  const bytes = hexToBytes(hex.trim());
  if (!bytes) return { kind: "error", family: "unknown", error: "not a hex string" };
  if (bytes.length < 2) return { kind: "error", family: "unknown", error: "too short for sa_family" };

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const b0 = bytes[0] ?? 0;
  const b1 = bytes[1] ?? 0;
  const byteOrder: ByteOrder = options.byteOrder ?? (b0 === 0 && b1 !== 0 ? "big" : "little");
  const le = byteOrder === "little";
  const familyNumber = view.getUint16(0, le);
  const family = familyName(familyNumber);
  const tooShort = (need: number): SockaddrError => ({
    kind: "error",
    family,
    familyNumber,
    error: `${bytes.length} bytes, ${family} needs ${need}`,
  });

  switch (familyNumber) {
    case 2: {
      // sockaddr_in: family, port, 4-byte address (then 8 bytes of padding).
      if (bytes.length < 8) return tooShort(8);
      return {
        kind: "inet",
        family: "inet",
        familyNumber,
        byteOrder,
        port: view.getUint16(2, false),
        address: Array.from(bytes.subarray(4, 8)).join("."),
      };
    }
    case 10: {
      // sockaddr_in6: family, port, flowinfo, 16-byte address, scope id (the 24-byte RFC 2133
      // form lacks it).
      if (bytes.length < 24) return tooShort(24);
      return {
        kind: "inet6",
        family: "inet6",
        familyNumber,
        byteOrder,
        port: view.getUint16(2, false),
        flowinfo: view.getUint32(4, false),
        address: formatIpv6(bytes.subarray(8, 24)),
        ...(bytes.length >= 28 ? { scopeId: view.getUint32(24, le) } : {}),
      };
    }
    case 1: {
      // sockaddr_un: the path is NUL-terminated; programs often pass sizeof(struct sockaddr_un), so
      // bytes after the NUL are stack garbage. ausearch cuts abstract names at a NUL too.
      const rest = bytes.subarray(2);
      if (rest.length === 0) {
        return { kind: "unix", family: "local", familyNumber, byteOrder, addressType: "unnamed", path: "" };
      }
      if (rest[0] === 0) {
        const name = cString(rest.subarray(1));
        return {
          kind: "unix",
          family: "local",
          familyNumber,
          byteOrder,
          addressType: "abstract",
          path: `@${name}`,
        };
      }
      return {
        kind: "unix",
        family: "local",
        familyNumber,
        byteOrder,
        addressType: "path",
        path: cString(rest),
      };
    }
    case 16: {
      // sockaddr_nl: family, pad, pid, groups (host order).
      if (bytes.length < 12) return tooShort(12);
      return {
        kind: "netlink",
        family: "netlink",
        familyNumber,
        byteOrder,
        pid: view.getUint32(4, le),
        groups: view.getUint32(8, le),
      };
    }
    case 17: {
      // sockaddr_ll: family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8].
      if (bytes.length < 8) return tooShort(8);
      const halen = bytes[11] ?? 0;
      const hw = bytes.subarray(12, 12 + Math.min(halen, 8));
      return {
        kind: "packet",
        family: "packet",
        familyNumber,
        byteOrder,
        protocol: view.getUint16(2, false),
        ifindex: view.getInt32(4, le),
        ...(bytes.length >= 12 ? { hatype: view.getUint16(8, le), pkttype: bytes[10] ?? 0 } : {}),
        ...(hw.length > 0
          ? { address: Array.from(hw, (b) => b.toString(16).padStart(2, "0")).join(":") }
          : {}),
      };
    }
    default:
      return { kind: "other", family, familyNumber, byteOrder };
  }
}
