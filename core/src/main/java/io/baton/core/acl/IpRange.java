package io.baton.core.acl;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An {@code ip} ACL id: an address, or an address and a prefix length ({@code 10.1.0.0/16}, {@code fd00::/8}). */
record IpRange(byte[] network, int bits) {
  /** Parses {@code text}; InvalidACL unless it is a literal IPv4/IPv6 address with an optional prefix. */
  static IpRange parse(String text) {
    int slash = text.indexOf('/');
    String host = slash < 0 ? text : text.substring(0, slash);
    byte[] address = literal(host);
    if (address == null) {
      throw AclLists.invalid("an ip id is an address with an optional /prefix, got '" + text + "'");
    }
    int bits = address.length * 8;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < 0 || bits > address.length * 8) {
        throw AclLists.invalid("bad prefix length in ip id '" + text + "'");
      }
    }
    return new IpRange(address, bits);
  }

  /** Whether {@code host} (an address literal) is in this range. */
  boolean contains(String host) {
    byte[] a = literal(host);
    if (a == null || a.length != network.length) {
      return false;
    }
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >>> (i % 8);
      if ((a[i / 8] & mask) != (network[i / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** The bytes of an address literal, never a name lookup; null if {@code host} is not one. */
  private static byte[] literal(String host) {
    if (host.isEmpty() || !(host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
      return null;
    }
    if (host.indexOf(':') < 0 && host.split("\\.", -1).length != 4) {
      return null;
    }
    try {
      return InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }
}
