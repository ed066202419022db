package io.baton.core.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.server.Coordinator;
import io.baton.core.server.Reads;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.NodeData;
import io.baton.core.txn.Command;
import io.baton.core.txn.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Named JSON configuration documents at {@code /baton/config/<name>}; the node version is the
 * document version. Each write also records the version under
 * {@code /baton/config/<name>/history/v-<version>} in the same transaction, keeping the newest
 * {@value #HISTORY} versions, so rollback is a compare-and-set to an old document.
 */
final class Configs {
  static final int HISTORY = 10;
  private final Coordinator coordinator;
  private final Reads reads;

  Configs(Coordinator coordinator) {
    this.coordinator = coordinator;
    this.reads = coordinator.reads();
  }

  static String path(String name) {
    return Names.ROOT + "/config/" + Names.check(name, "config");
  }

  ConfigVersion get(String name) {
    String p = path(name);
    NodeData d = reads.getData(0, p, false);
    return new ConfigVersion(d.stat().version(), new String(d.data(), java.nio.charset.StandardCharsets.UTF_8),
        d.stat().mzxid());
  }

  /**
   * Sets the document if its version is {@code expected} (-1: any). Completes with the new version;
   * BadVersion if another write won.
   */
  CompletableFuture<ConfigVersion> set(long session, String name, String json, int expected) {
    String p;
    JsonNode doc;
    try {
      p = path(name);
      doc = Documents.parseUser(json, "config value");
    } catch (BatonException e) {
      return Async.failed(e);
    }
    byte[] data = Documents.bytes(doc);
    if (reads.exists(0, p, false) == null) {
      if (expected > 0) {
        return Async.failed(BatonException.noNode(p));
      }
      List<Op> ops = List.of(new Op.Create(p, data, CreateMode.PERSISTENT, 0, true),
          new Op.Create(p + "/history", new byte[0], CreateMode.PERSISTENT, 0, false),
          new Op.Create(historyPath(p, 0), data, CreateMode.PERSISTENT, 0, false));
      return Async.submit(coordinator, session, new Command.Multi(ops)).thenApply(r -> get(name));
    }
    int current = reads.exists(0, p, false).version();
    if (expected != -1 && expected != current) {
      return Async.failed(BatonException.badVersion(p, expected, current));
    }
    List<Op> ops = new ArrayList<>();
    ops.add(new Op.SetData(p, data, current));
    ops.add(new Op.Create(historyPath(p, current + 1), data, CreateMode.PERSISTENT, 0, false));
    List<String> old = reads.getChildren(0, p + "/history", false).names();
    for (int i = 0; i + HISTORY - 1 < old.size(); i++) {
      ops.add(new Op.Delete(p + "/history/" + old.get(i), -1));
    }
    return Async.submit(coordinator, session, new Command.Multi(ops)).thenApply(r -> get(name));
  }

  List<ConfigVersion> history(String name) {
    String p = path(name);
    List<ConfigVersion> out = new ArrayList<>();
    if (reads.exists(0, p + "/history", false) == null) {
      throw BatonException.noNode(p);
    }
    for (String v : reads.getChildren(0, p + "/history", false).names()) {
      NodeData d = reads.getData(0, p + "/history/" + v, false);
      out.add(new ConfigVersion(Integer.parseInt(v.substring(2)), new String(d.data(),
          java.nio.charset.StandardCharsets.UTF_8), d.stat().czxid()));
    }
    return out;
  }

  /** Writes the document of an older version as a new version. */
  CompletableFuture<ConfigVersion> rollback(long session, String name, int toVersion, int expected) {
    String hp;
    try {
      hp = historyPath(path(name), toVersion);
    } catch (BatonException e) {
      return Async.failed(e);
    }
    if (reads.exists(0, hp, false) == null) {
      return Async.failed(new BatonException(ErrorCode.NO_NODE, "config '" + name + "' has no version "
          + toVersion + " in its history"));
    }
    String json = new String(reads.getData(0, hp, false).data(), java.nio.charset.StandardCharsets.UTF_8);
    return set(session, name, json, expected);
  }

  private static String historyPath(String p, int version) {
    return p + "/history/v-" + String.format("%010d", version);
  }
}
