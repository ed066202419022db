package io.baton.core.recipe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.server.Coordinator;
import io.baton.core.server.Reads;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.NodeData;
import io.baton.core.tree.Stat;
import io.baton.core.txn.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Ephemeral membership directories, shared by group membership
 * ({@code /baton/groups/<group>/members/<id>}) and the service registry
 * ({@code /baton/services/<service>/instances/<id>}). A member's document is its metadata.
 */
final class Members {
  private final Coordinator coordinator;
  private final Reads reads;

  Members(Coordinator coordinator) {
    this.coordinator = coordinator;
    this.reads = coordinator.reads();
  }

  static String groupDir(String group) {
    return Names.ROOT + "/groups/" + Names.check(group, "group") + "/members";
  }

  static String serviceDir(String service) {
    return Names.ROOT + "/services/" + Names.check(service, "service") + "/instances";
  }

  CompletableFuture<Member> join(long session, String dir, String id, ObjectNode doc) {
    if (session == 0) {
      return Async.failed(BatonException.badArguments("joining needs a session"));
    }
    String path;
    try {
      path = dir + "/" + Names.check(id, "member");
    } catch (BatonException e) {
      return Async.failed(e);
    }
    return Async.directory(coordinator, session, dir)
        .thenCompose(v -> Async.submit(coordinator, session,
            new Op.Create(path, Documents.bytes(doc), CreateMode.EPHEMERAL, 0, true)))
        .thenApply(r -> member(dir, id));
  }

  CompletableFuture<Void> leave(long session, String dir, String id) {
    Member m = find(dir, id);
    String notHeld = "session 0x" + Long.toHexString(session) + " has no member '" + id + "' in " + dir;
    if (m == null || m.session() != session) {
      return Async.failed(new BatonException(ErrorCode.NOT_HOLDER, notHeld));
    }
    return Async.release(coordinator, session, m.path(), notHeld).thenApply(r -> null);
  }

  /** Replaces fields of the session's own member document. */
  CompletableFuture<Member> update(long session, String dir, String id, ObjectNode fields) {
    Member m = find(dir, id);
    if (m == null || m.session() != session) {
      return Async.failed(new BatonException(ErrorCode.NOT_HOLDER, "session 0x" + Long.toHexString(session)
          + " has no member '" + id + "' in " + dir));
    }
    ObjectNode doc = m.doc().deepCopy();
    doc.setAll(fields);
    return Async.submit(coordinator, session, new Op.SetData(m.path(), Documents.bytes(doc), m.version()))
        .thenApply(r -> member(dir, id));
  }

  List<Member> list(String dir) {
    List<Member> out = new ArrayList<>();
    if (reads.exists(0, dir, false) == null) {
      return out;
    }
    for (String id : reads.getChildren(0, dir, false).names()) {
      Member m = member(dir, id);
      if (m != null) {
        out.add(m);
      }
    }
    return out;
  }

  Member find(String dir, String id) {
    try {
      return member(dir, Names.check(id, "member"));
    } catch (BatonException e) {
      return null;
    }
  }

  private Member member(String dir, String id) {
    String path = dir + "/" + id;
    if (reads.exists(0, path, false) == null) {
      return null;
    }
    NodeData d = reads.getData(0, path, false);
    Stat s = d.stat();
    return new Member(id, path, s.ephemeralOwner(), s.czxid(), s.version(), Documents.parse(d.data()));
  }
}
