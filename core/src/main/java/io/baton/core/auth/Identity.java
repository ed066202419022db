package io.baton.core.auth;

import io.baton.core.error.BatonException;

/**
 * Who a client is, in ZooKeeper's terms: an authentication {@code scheme} and the {@code id} it
 * established ({@code digest} {@code user:base64(sha1(user:password))}, {@code x509} the certificate
 * subject, {@code ip} the address).
 */
public record Identity(String scheme, String id) {
  public Identity {
    if (scheme == null || scheme.isEmpty() || id == null) {
      throw new IllegalArgumentException("an identity needs a scheme and an id");
    }
  }

  /** {@code scheme:id}, e.g. {@code digest:super:D/InIHSb7yEEbrWz8b9l71RjZJU=} or {@code x509:CN=admin}. */
  public static Identity parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw BatonException.badArguments("an identity is scheme:id, got '" + text + "'");
    }
    return new Identity(text.substring(0, colon), text.substring(colon + 1));
  }

  /**
   * The user this identity names, as ZooKeeper's {@code whoAmI} reports it: a digest's user (before
   * the {@code :}), the id itself for other schemes.
   */
  public String userName() {
    int colon = id.indexOf(':');
    return scheme.equals(DigestCredentials.SCHEME) && colon > 0 ? id.substring(0, colon) : id;
  }

  @Override
  public String toString() {
    return scheme + ":" + id;
  }
}
