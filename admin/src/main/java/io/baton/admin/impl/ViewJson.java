package io.baton.admin.impl;

import io.baton.core.acl.Acl;
import io.baton.core.acl.Perms;
import io.baton.core.tree.Stat;
import io.baton.core.view.ChildPage;
import io.baton.core.view.NodePreview;
import io.baton.core.view.NodeStatus;
import io.baton.core.view.PeerStatus;
import io.baton.core.view.RaftStatus;
import io.baton.core.view.SessionInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;

/** Core's views as the JSON of the admin API (ids and zxids in hex as the protocol writes them). */
final class ViewJson {
  private ViewJson() {
  }

  static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }

  static JsonObject node(NodeStatus n) {
    return new JsonObject().put("nodeId", n.nodeId()).put("zxid", hex(n.zxid())).put("znodes", n.znodes())
        .put("dataBytes", n.dataBytes()).put("sessions", n.sessions()).put("watches", n.watches())
        .put("outstanding", n.outstanding()).put("logSyncFailures", n.logSyncFailures()).put("halted", n.halted())
        .put("leading", n.leading());
  }

  static JsonObject raft(RaftStatus r, long now) {
    JsonArray peers = new JsonArray();
    for (PeerStatus p : r.peers()) {
      peers.add(new JsonObject().put("id", p.id()).put("matchIndex", p.matchIndex()).put("lag", p.lagEntries())
          .put("lastContactMsAgo", p.lastContactMillis() == 0 ? null : now - p.lastContactMillis())
          .put("rttMs", p.rttNanos() < 0 ? null : p.rttNanos() / 1e6).put("up", p.up()));
    }
    return new JsonObject().put("id", r.id()).put("role", r.role()).put("term", r.term()).put("leader", r.leader())
        .put("commitIndex", r.commitIndex()).put("appliedIndex", r.appliedIndex()).put("lastIndex", r.lastIndex())
        .put("leaderChanges", r.leaderChanges()).put("proposalsCommitted", r.proposalsCommitted())
        .put("proposalsPending", r.proposalsPending()).put("proposalsFailed", r.proposalsFailed())
        .put("lastLeaderContactMsAgo", r.lastLeaderContactMillis() == 0 ? null : now - r.lastLeaderContactMillis())
        .put("peers", peers);
  }

  static JsonObject stat(Stat s) {
    return new JsonObject().put("czxid", hex(s.czxid())).put("mzxid", hex(s.mzxid())).put("pzxid", hex(s.pzxid()))
        .put("ctime", s.ctime()).put("mtime", s.mtime()).put("version", s.version()).put("cversion", s.cversion())
        .put("aversion", s.aversion()).put("ephemeralOwner", hex(s.ephemeralOwner()))
        .put("dataLength", s.dataLength()).put("numChildren", s.numChildren());
  }

  static JsonObject children(ChildPage page) {
    return new JsonObject().put("path", page.path()).put("children", new JsonArray(page.names()))
        .put("next", page.next()).put("total", page.stat().numChildren()).put("stat", stat(page.stat()));
  }

  static JsonObject preview(NodePreview p) {
    return new JsonObject().put("path", p.path()).put("data", Base64.getEncoder().encodeToString(p.head()))
        .put("truncated", p.truncated()).put("stat", stat(p.stat())).put("acl", acl(p.acl()));
  }

  static JsonArray acl(List<Acl> acl) {
    JsonArray out = new JsonArray();
    if (acl.isEmpty()) {
      out.add(new JsonObject().put("scheme", "world").put("id", "anyone").put("perms", Perms.format(Perms.ALL)));
    }
    for (Acl a : acl) {
      out.add(new JsonObject().put("scheme", a.id().scheme()).put("id", a.id().id())
          .put("perms", Perms.format(a.perms())));
    }
    return out;
  }

  static JsonArray sessions(List<SessionInfo> sessions) {
    JsonArray out = new JsonArray();
    for (SessionInfo s : sessions) {
      out.add(new JsonObject().put("id", hex(s.id())).put("timeoutMs", s.timeoutMs())
          .put("ephemerals", s.ephemerals()).put("clientAddress", s.clientAddress()));
    }
    return out;
  }
}
