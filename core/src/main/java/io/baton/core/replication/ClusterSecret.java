package io.baton.core.replication;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key every member of a cluster shares, which a node proves it holds before its peer link is
 * believed: the accepting node sends a fresh nonce, the dialing node answers with
 * {@code HMAC-SHA256(key, "baton-peer-v1" | nonce | dialer id | acceptor id)}. A proof is bound to
 * one connection (the nonce) and one direction (both ids), so it cannot be replayed elsewhere.
 */
public final class ClusterSecret {
  /** Least key length: 32 bytes, 64 hex characters ({@code openssl rand -hex 32}). */
  public static final int MIN_BYTES = 32;
  /** Length of a nonce and of a proof. */
  public static final int PROOF_BYTES = 32;
  private static final byte[] CONTEXT = "baton-peer-v1".getBytes(StandardCharsets.US_ASCII);
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  private ClusterSecret(byte[] key) {
    this.key = new SecretKeySpec(key, ALGORITHM);
  }

  /** A secret from its hex text (surrounding white space ignored); refused if not hex or too short. */
  public static ClusterSecret fromHex(String hex) {
    String text = hex.trim();
    byte[] key;
    try {
      key = HexFormat.of().parseHex(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the cluster secret is not hex (make one with `openssl rand -hex 32`)");
    }
    if (key.length < MIN_BYTES) {
      throw new IllegalArgumentException("the cluster secret has " + key.length + " bytes; it needs at least "
          + MIN_BYTES + " (" + 2 * MIN_BYTES + " hex characters, e.g. `openssl rand -hex 32`)");
    }
    return new ClusterSecret(key);
  }

  /** The proof that the dialer {@code dialer} holds this secret, for the nonce {@code acceptor} sent. */
  public byte[] prove(byte[] nonce, long dialer, long acceptor) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update(CONTEXT);
      mac.update(nonce);
      mac.update(ByteBuffer.allocate(16).putLong(dialer).putLong(acceptor).array());
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
    }
  }

  /**
   * A key for another use of the shared secret ({@code purpose} names it), so that every member derives
   * the same key without it being configured twice, and no proof for one use serves another.
   */
  public byte[] derive(String purpose) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update("baton-derive-v1|".getBytes(StandardCharsets.US_ASCII));
      mac.update(purpose.getBytes(StandardCharsets.UTF_8));
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
    }
  }

  /** Whether {@code proof} is {@link #prove}'s for these inputs; compared in constant time. */
  public boolean verifies(byte[] proof, byte[] nonce, long dialer, long acceptor) {
    return MessageDigest.isEqual(prove(nonce, dialer, acceptor), proof);
  }

  @Override
  public String toString() {
    return "ClusterSecret[hidden]";
  }
}
