package io.baton.vertx.api;

import io.baton.core.acl.Acl;
import io.baton.core.acl.Perms;
import io.baton.core.auth.Identity;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.stream.ChangeEvent;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.Stat;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import io.baton.core.watch.WatchEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Baton's JSON protocol, version {@value #VERSION}, shared by the verticle and the client. See
 * {@code docs/protocol.md}. Session ids and ephemeral owners are hex strings ({@code "0x1a2b"}) so
 * clients without 64-bit integers keep them exact; node data is base64.
 */
public final class Protocol {
  /** Protocol version carried in {@code "v"}. */
  public static final int VERSION = 1;
  /** Default command address. */
  public static final String DEFAULT_ADDRESS = "baton";

  private Protocol() {
  }

  /** Address that receives a session's watch notifications and change-stream records. */
  public static String sessionAddress(String commandAddress, long sessionId) {
    return commandAddress + ".session." + hex(sessionId);
  }

  public static String hex(long id) {
    return "0x" + Long.toHexString(id);
  }

  public static long parseHex(String s) {
    String t = s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
    return Long.parseUnsignedLong(t, 16);
  }

  public static JsonObject stat(Stat s) {
    return new JsonObject()
        .put("czxid", s.czxid())
        .put("mzxid", s.mzxid())
        .put("pzxid", s.pzxid())
        .put("ctime", s.ctime())
        .put("mtime", s.mtime())
        .put("version", s.version())
        .put("cversion", s.cversion())
        .put("aversion", s.aversion())
        .put("ephemeralOwner", hex(s.ephemeralOwner()))
        .put("dataLength", s.dataLength())
        .put("numChildren", s.numChildren());
  }

  public static Stat stat(JsonObject j) {
    if (j == null) {
      return null;
    }
    return new Stat(j.getLong("czxid"), j.getLong("mzxid"), j.getLong("ctime"), j.getLong("mtime"),
        j.getInteger("version"), j.getInteger("cversion"), j.getInteger("aversion"),
        parseHex(j.getString("ephemeralOwner")), j.getInteger("dataLength"), j.getInteger("numChildren"),
        j.getLong("pzxid"));
  }

  public static String base64(byte[] data) {
    return data == null ? null : Base64.getEncoder().encodeToString(data);
  }

  public static byte[] unbase64(String s) {
    return s == null ? null : Base64.getDecoder().decode(s);
  }

  /** JSON of one write operation (used in {@code multi}). */
  public static JsonObject op(Op op) {
    JsonObject j = new JsonObject().put("path", op.path());
    if (op instanceof Op.Create c) {
      j.put("op", "create").put("data", base64(c.data())).put("mode", c.mode().name().toLowerCase());
      if (c.ttl() > 0) {
        j.put("ttl", c.ttl());
      }
      if (c.createParents()) {
        j.put("createParents", true);
      }
      if (!c.acl().isEmpty()) {
        j.put("acl", acl(c.acl()));
      }
    } else if (op instanceof Op.Delete d) {
      j.put("op", "delete").put("version", d.version());
    } else if (op instanceof Op.SetData s) {
      j.put("op", "setData").put("data", base64(s.data())).put("version", s.version());
    } else if (op instanceof Op.Check c) {
      j.put("op", "check").put("version", c.version());
    }
    return j;
  }

  /** Parses one write operation, refusing wrong types with {@code BadArguments}. */
  public static Op op(JsonObject j) {
    Fields f = new Fields(j);
    String kind = f.string("op");
    String path = f.string("path");
    return switch (kind) {
      case "create" -> new Op.Create(path, f.data(), CreateMode.parse(f.optString("mode", "persistent")),
          f.optLong("ttl", 0), f.optBool("createParents", false), j.containsKey("acl") ? acl(f.array("acl")) : List.of());
      case "delete" -> new Op.Delete(path, f.optInt("version", -1));
      case "setData" -> new Op.SetData(path, f.data(), f.optInt("version", -1));
      case "check" -> new Op.Check(path, f.optInt("version", -1));
      default -> throw new BatonException(ErrorCode.UNIMPLEMENTED, "unknown multi op '" + kind + "'");
    };
  }

  /**
   * An ACL from JSON: entries {@code {"perms": "cdrwa", "scheme": "digest", "id": "alice:…"}} ({@code perms}
   * may also be ZooKeeper's bit mask as a number); InvalidACL for anything malformed or an empty list.
   */
  public static List<Acl> acl(JsonArray entries) {
    if (entries.isEmpty()) {
      throw new BatonException(ErrorCode.INVALID_ACL, "an ACL needs at least one entry (leave 'acl' out for one open"
          + " to all)");
    }
    List<Acl> acl = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      if (!(entries.getValue(i) instanceof JsonObject e) || !(e.getValue("scheme") instanceof String scheme)
          || !(e.getValue("id") instanceof String id) || scheme.isEmpty()) {
        throw new BatonException(ErrorCode.INVALID_ACL, "acl[" + i + "] must be {\"perms\": \"cdrwa\", \"scheme\":"
            + " \"...\", \"id\": \"...\"}");
      }
      Object perms = e.getValue("perms");
      int bits = perms instanceof String letters ? Perms.parse(letters) : perms instanceof Integer n ? n : -1;
      if (bits <= 0 || bits > Perms.ALL) {
        throw new BatonException(ErrorCode.INVALID_ACL, "acl[" + i + "].perms must be letters of cdrwa or 1.."
            + Perms.ALL);
      }
      acl.add(new Acl(bits, new Identity(scheme, id)));
    }
    return acl;
  }

  /** JSON of an ACL. */
  public static JsonArray acl(List<Acl> acl) {
    JsonArray a = new JsonArray();
    for (Acl e : acl) {
      a.add(new JsonObject().put("perms", Perms.format(e.perms())).put("scheme", e.id().scheme()).put("id", e.id().id()));
    }
    return a;
  }

  /** JSON of one operation result. */
  public static JsonObject result(OpResult r) {
    if (r instanceof OpResult.Created c) {
      return new JsonObject().put("op", "create").put("path", c.path()).put("stat", stat(c.stat()));
    } else if (r instanceof OpResult.Deleted d) {
      return new JsonObject().put("op", "delete").put("path", d.path());
    } else if (r instanceof OpResult.DataSet s) {
      return new JsonObject().put("op", "setData").put("path", s.path()).put("stat", stat(s.stat()));
    } else if (r instanceof OpResult.Checked c) {
      return new JsonObject().put("op", "check").put("path", c.path());
    } else if (r instanceof OpResult.AclSet s) {
      return new JsonObject().put("op", "setACL").put("path", s.path()).put("stat", stat(s.stat()));
    } else if (r instanceof OpResult.Error e) {
      return new JsonObject().put("op", "error").put("code", e.code().value()).put("message", e.message());
    }
    throw new IllegalArgumentException(String.valueOf(r));
  }

  public static OpResult result(JsonObject j) {
    return switch (j.getString("op")) {
      case "create" -> new OpResult.Created(j.getString("path"), stat(j.getJsonObject("stat")));
      case "delete" -> new OpResult.Deleted(j.getString("path"));
      case "setData" -> new OpResult.DataSet(j.getString("path"), stat(j.getJsonObject("stat")));
      case "check" -> new OpResult.Checked(j.getString("path"));
      case "setACL" -> new OpResult.AclSet(j.getString("path"), stat(j.getJsonObject("stat")));
      default -> new OpResult.Error(ErrorCode.of(j.getInteger("code")), j.getString("message"));
    };
  }

  public static JsonObject watchEvent(WatchEvent e) {
    return new JsonObject().put("type", "watch").put("event", e.type().name()).put("path", e.path())
        .put("zxid", e.zxid());
  }

  public static JsonObject change(String streamId, ChangeEvent e) {
    JsonObject j = new JsonObject().put("type", "change").put("stream", streamId).put("zxid", e.zxid())
        .put("time", e.time()).put("kind", e.kind().name());
    if (e.path() != null) {
      j.put("path", e.path());
    }
    j.put("session", hex(e.sessionId())).put("version", e.version());
    if (e.data() != null) {
      j.put("data", base64(e.data()));
    }
    if (e.cause() != null) {
      j.put("cause", e.cause());
    }
    return j;
  }

  public static ChangeEvent change(JsonObject j) {
    return new ChangeEvent(j.getLong("zxid"), j.getLong("time"), ChangeEvent.Kind.valueOf(j.getString("kind")),
        j.getString("path"), parseHex(j.getString("session", "0x0")), j.getInteger("version", 0),
        unbase64(j.getString("data")), j.getString("cause"));
  }

  public static JsonArray results(List<OpResult> results) {
    JsonArray a = new JsonArray();
    for (OpResult r : results) {
      a.add(result(r));
    }
    return a;
  }

  public static List<OpResult> results(JsonArray a) {
    List<OpResult> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(result(a.getJsonObject(i)));
    }
    return out;
  }
}
