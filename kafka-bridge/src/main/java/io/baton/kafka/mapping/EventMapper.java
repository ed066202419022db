package io.baton.kafka.mapping;

import io.baton.core.stream.ChangeEvent;
import io.baton.core.tree.EphemeralOwner;
import io.baton.schemas.event.BatonEvent;
import io.baton.schemas.event.EventKind;
import io.baton.vertx.api.Protocol;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps committed changes to bridge records, statelessly: each {@link ChangeEvent} gives its plain
 * record (node created / data changed / deleted, session opened / closed / expired) followed by the
 * records derived from the recipe layouts under {@code /baton}:
 * <ul>
 *   <li>{@code /baton/groups/<g>/members/<id>} (and {@code /baton/services/<s>/instances/<id>}):
 *       created: MEMBER_JOINED; deleted: MEMBER_LEFT with the delete's cause;</li>
 *   <li>{@code /baton/elections/<e>} data ({@code {"leader":{...},"previous":path,"previousCause":c}}):
 *       LEADER_RESIGNED (cause CLIENT) or LEADER_LOST (the session ended) for the previous leader, then
 *       LEADER_ELECTED with the fencing token;</li>
 *   <li>{@code /baton/locks|rwlocks|semaphores/<l>} data ({@code {"holders":..,"granted":..,"released":..}}):
 *       LOCK_RELEASED for each released holder, then LOCK_GRANTED for each grant.</li>
 * </ul>
 * In a resync a node's current state is given as a NODE_CREATED change; derived records then
 * describe the current state (members, leader, holders) and are all marked {@code resync}.
 * Records of one entry are numbered ({@code entryIndex}) by the caller.
 */
public final class EventMapper {

  /** Appends the records of one change to {@code out} (entryIndex is left at 0). */
  public void map(ChangeEvent e, boolean resync, List<Mapped> out) {
    switch (e.kind()) {
      case NODE_CREATED -> {
        out.add(new Mapped(e.path(), base(e, EventKind.NODE_CREATED, resync).setPath(e.path())
            .setSession(sessionOf(e.sessionId())).setVersion(e.version()).setData(wrap(e.data())).build()));
        derived(e, resync, out);
      }
      case NODE_DATA_CHANGED -> {
        out.add(new Mapped(e.path(), base(e, EventKind.NODE_DATA_CHANGED, resync).setPath(e.path())
            .setSession(sessionOf(e.sessionId())).setVersion(e.version()).setData(wrap(e.data())).build()));
        derived(e, resync, out);
      }
      case NODE_DELETED -> {
        out.add(new Mapped(e.path(), base(e, EventKind.NODE_DELETED, resync).setPath(e.path())
            .setSession(sessionOf(e.sessionId())).setVersion(-1).setCause(e.cause()).build()));
        derived(e, resync, out);
      }
      case SESSION_OPENED -> out.add(new Mapped(Protocol.hex(e.sessionId()),
          base(e, EventKind.SESSION_OPENED, resync).setSession(e.sessionId()).setSessionTimeoutMs(e.version())
              .build()));
      case SESSION_CLOSED -> out.add(new Mapped(Protocol.hex(e.sessionId()),
          base(e, "EXPIRED".equals(e.cause()) ? EventKind.SESSION_EXPIRED : EventKind.SESSION_CLOSED, resync)
              .setSession(e.sessionId()).setCause(e.cause()).build()));
      default -> {
        // a kind this bridge does not know yet: nothing to publish
      }
    }
  }

  /** The records of a list of changes (one log entry), numbered in order. */
  public List<Mapped> mapEntry(List<ChangeEvent> entry, boolean resync) {
    List<Mapped> out = new ArrayList<>(entry.size() + 2);
    for (ChangeEvent e : entry) {
      map(e, resync, out);
    }
    for (int i = 0; i < out.size(); i++) {
      out.get(i).event().setEntryIndex(i);
    }
    return out;
  }

  private static BatonEvent.Builder base(ChangeEvent e, EventKind kind, boolean resync) {
    return BatonEvent.newBuilder().setZxid(e.zxid()).setTime(e.time()).setEntryIndex(0).setKind(kind)
        .setPath(null).setSession(0).setVersion(-1).setData(null).setDataOmitted(false).setCause(null)
        .setRecipe(null).setName(null).setMemberId(null).setToken(null).setSessionTimeoutMs(null)
        .setResync(resync);
  }

  private static long sessionOf(long owner) {
    return EphemeralOwner.isSession(owner) ? owner : 0;
  }

  private static ByteBuffer wrap(byte[] data) {
    return data == null ? null : ByteBuffer.wrap(data);
  }

  private void derived(ChangeEvent e, boolean resync, List<Mapped> out) {
    String path = e.path();
    if (path == null || !path.startsWith("/baton/")) {
      return;
    }
    String[] parts = path.split("/", -1);
    // ["", "baton", kind, name, ...]
    if (parts.length == 6 && (parts[2].equals("groups") && parts[4].equals("members")
        || parts[2].equals("services") && parts[4].equals("instances"))) {
      membership(e, parts[2].equals("groups") ? "group" : "registry", parts[3], parts[5], resync, out);
    } else if (parts.length == 4 && parts[2].equals("elections")) {
      if (e.kind() != ChangeEvent.Kind.NODE_DELETED) {
        election(e, parts[3], resync, out);
      }
    } else if (parts.length == 4 && (parts[2].equals("locks") || parts[2].equals("rwlocks")
        || parts[2].equals("semaphores"))) {
      if (e.kind() == ChangeEvent.Kind.NODE_DATA_CHANGED || resync && e.kind() == ChangeEvent.Kind.NODE_CREATED) {
        String recipe = switch (parts[2]) {
          case "locks" -> "lock";
          case "rwlocks" -> "rwlock";
          default -> "semaphore";
        };
        locks(e, recipe, parts[3], resync, out);
      }
    }
  }

  private static String dirKey(String path, int segments) {
    int at = 0;
    for (int i = 0; i <= segments; i++) {
      at = path.indexOf('/', at + 1);
      if (at < 0) {
        return path;
      }
    }
    return path.substring(0, at);
  }

  private void membership(ChangeEvent e, String recipe, String name, String id, boolean resync, List<Mapped> out) {
    String key = dirKey(e.path(), 2);
    switch (e.kind()) {
      case NODE_CREATED -> out.add(new Mapped(key, base(e, EventKind.MEMBER_JOINED, resync).setPath(e.path())
          .setSession(sessionOf(e.sessionId())).setVersion(e.version()).setData(wrap(e.data())).setRecipe(recipe)
          .setName(name).setMemberId(id).build()));
      case NODE_DELETED -> out.add(new Mapped(key, base(e, EventKind.MEMBER_LEFT, resync).setPath(e.path())
          .setSession(sessionOf(e.sessionId())).setCause(e.cause()).setRecipe(recipe).setName(name).setMemberId(id)
          .build()));
      default -> {
        // metadata updates are plain NODE_DATA_CHANGED records
      }
    }
  }

  private static JsonObject json(byte[] data) {
    if (data == null || data.length == 0) {
      return null;
    }
    try {
      return new JsonObject(Buffer.buffer(data));
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  private static Long longOrNull(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v instanceof Number n) {
      return n.longValue();
    }
    if (v instanceof String s) {
      try {
        return s.startsWith("0x") ? Protocol.parseHex(s) : Long.parseLong(s);
      } catch (RuntimeException e) {
        return null;
      }
    }
    return null;
  }

  private void election(ChangeEvent e, String name, boolean resync, List<Mapped> out) {
    JsonObject doc = json(e.data());
    if (doc == null) {
      return;
    }
    String key = e.path();
    if (!resync && doc.getValue("previous") instanceof String previous) {
      String cause = doc.getString("previousCause");
      EventKind kind = "CLIENT".equals(cause) ? EventKind.LEADER_RESIGNED : EventKind.LEADER_LOST;
      out.add(new Mapped(key, base(e, kind, false).setPath(previous).setCause(cause).setRecipe("election")
          .setName(name).build()));
    }
    if (doc.getValue("leader") instanceof JsonObject leader) {
      Long session = longOrNull(leader, "session");
      out.add(new Mapped(key, base(e, EventKind.LEADER_ELECTED, resync).setPath(leader.getString("path"))
          .setSession(session == null ? 0 : session).setRecipe("election").setName(name)
          .setMemberId(leader.getString("id")).setToken(longOrNull(leader, "token")).build()));
    }
  }

  private void locks(ChangeEvent e, String recipe, String name, boolean resync, List<Mapped> out) {
    JsonObject doc = json(e.data());
    if (doc == null) {
      return;
    }
    String key = e.path();
    if (!resync && doc.getValue("released") instanceof JsonArray released) {
      for (Object o : released) {
        BatonEvent.Builder b = base(e, EventKind.LOCK_RELEASED, false).setRecipe(recipe).setName(name);
        if (o instanceof String p) {
          b.setPath(p);
        } else if (o instanceof JsonObject h) {
          holder(b, h);
        } else {
          continue;
        }
        out.add(new Mapped(key, b.build()));
      }
    }
    Object grants = resync ? doc.getValue("holders") : doc.getValue("granted");
    if (grants instanceof JsonArray granted) {
      for (Object o : granted) {
        if (o instanceof JsonObject h) {
          out.add(new Mapped(key, holder(base(e, EventKind.LOCK_GRANTED, resync).setRecipe(recipe).setName(name), h)
              .build()));
        }
      }
    }
  }

  private static BatonEvent.Builder holder(BatonEvent.Builder b, JsonObject h) {
    Long session = longOrNull(h, "session");
    return b.setPath(h.getString("path")).setMemberId(h.getString("id")).setSession(session == null ? 0 : session)
        .setToken(longOrNull(h, "token"));
  }
}
