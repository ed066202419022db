package io.baton.core.auth;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * ZooKeeper's digest scheme: {@code user:password} is known as {@code user:base64(sha1(user:password))},
 * so digests made for ZooKeeper ({@code DigestAuthenticationProvider.generateDigest}, the
 * {@code superDigest} setting, {@code digest} ACLs) carry over unchanged.
 */
public final class DigestCredentials {
  /** The scheme name. */
  public static final String SCHEME = "digest";

  private DigestCredentials() {
  }

  /** The digest identity id of {@code user:password}. */
  public static String digest(String userPassword) {
    int colon = userPassword.indexOf(':');
    if (colon <= 0) {
      throw new BatonException(ErrorCode.AUTH_FAILED, "digest credentials are user:password");
    }
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA1").digest(userPassword.getBytes(StandardCharsets.UTF_8));
      return userPassword.substring(0, colon) + ":" + Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA1 is unavailable", e);
    }
  }

  /** The identity {@code user:password} proves. */
  public static Identity identity(String userPassword) {
    return new Identity(SCHEME, digest(userPassword));
  }
}
