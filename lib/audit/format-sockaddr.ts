import type { Sockaddr } from "./sockaddr";

/** One line for a decoded sockaddr, close to what `ausearch -i` prints. */
export function formatSockaddr(addr: Sockaddr): string {
  switch (addr.kind) {
    case "inet":
      return `${addr.address}:${addr.port}`;
    case "inet6":
      return `[${addr.address}]:${addr.port}`;
    case "unix":
      return addr.addressType === "unnamed" ? "unix (unnamed)" : `unix ${addr.path}`;
    case "netlink":
      return `netlink pid:${addr.pid}`;
    case "packet":
      return `packet ifindex:${addr.ifindex}`;
    case "other":
      return `family ${addr.family}`;
    case "error":
      return `unreadable sockaddr (${addr.error})`;
  }
}
