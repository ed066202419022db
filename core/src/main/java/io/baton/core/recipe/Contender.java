package io.baton.core.recipe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.core.tree.Stat;

/** One contender node of a lock, semaphore or election, as read from the tree. */
record Contender(String name, String path, long sequence, long session, long czxid, int version, ObjectNode doc) {

  static Contender of(String dir, String name, byte[] data, Stat stat) {
    return new Contender(name, dir + "/" + name, Names.sequence(name), stat.ephemeralOwner(), stat.czxid(),
        stat.version(), Documents.parse(data));
  }

  String owner() {
    return doc.path("owner").asText("");
  }

  int holds() {
    return doc.path("holds").asInt(1);
  }

  boolean isWrite() {
    return name.startsWith("write-");
  }
}
