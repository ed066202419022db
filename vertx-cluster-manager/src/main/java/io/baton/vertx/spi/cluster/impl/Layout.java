package io.baton.vertx.spi.cluster.impl;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a Vert.x cluster keeps its state in Baton's tree, under its prefix (default {@code /vertx}): its
 * nodes are the members of the Baton group named by the prefix tag ({@code /baton/groups/<tag>/members/
 * <nodeId>}, so Baton's membership feed and the Kafka bridge report their joins and losses),
 * {@code <prefix>/nodes/<nodeId>} (ephemeral, NodeInfo as data), {@code <prefix>/subs/<address>/<nodeId>-<seq>}
 * (ephemeral registrations under a container per address) and {@code <prefix>/maps/<map>/<key>} (entries,
 * TTL nodes when put with a TTL). Addresses, map names and keys are arbitrary strings or bytes, so they are
 * stored as unpadded base64url segments. Locks and counters are Baton recipes named
 * {@code <prefix tag>.<base64url name>} (a recipe name is one path segment).
 */
public final class Layout {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final String prefix;

  public Layout(String prefix) {
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }

  /** Where NodeInfo lives: {@code <prefix>/nodes}. */
  public String nodes() {
    return prefix + "/nodes";
  }

  /** The Baton group whose members are this cluster's nodes: the prefix tag. */
  public String group() {
    return tag();
  }

  /** The members of {@link #group()}: {@code /baton/groups/<tag>/members} (the group recipe's layout). */
  public String members() {
    return "/baton/groups/" + tag() + "/members";
  }

  public String node(String nodeId) {
    return nodes() + "/" + nodeId;
  }

  public String subs() {
    return prefix + "/subs";
  }

  public String subsOf(String address) {
    return subs() + "/" + segment(address.getBytes(StandardCharsets.UTF_8));
  }

  public String map(String name) {
    return prefix + "/maps/" + segment(name.getBytes(StandardCharsets.UTF_8));
  }

  /** The recipe name of the lock or counter {@code name} of this cluster. */
  public String recipeName(String name) {
    return tag() + "." + segment(name.getBytes(StandardCharsets.UTF_8));
  }

  /** The prefix as one path segment: without its first {@code /}, the others turned into {@code .}. */
  private String tag() {
    return prefix.substring(1).replace('/', '.');
  }

  /** Bytes as a path segment (unpadded base64url). */
  public static String segment(byte[] bytes) {
    return ENCODER.encodeToString(bytes);
  }

  /** The bytes a {@link #segment} stands for. */
  public static byte[] unsegment(String segment) {
    return DECODER.decode(segment);
  }

  /** The address a {@code subs} child segment stands for. */
  public static String address(String segment) {
    return new String(unsegment(segment), StandardCharsets.UTF_8);
  }
}
