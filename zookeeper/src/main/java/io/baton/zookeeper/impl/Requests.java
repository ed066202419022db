package io.baton.zookeeper.impl;

import io.baton.core.acl.Perms;
import io.baton.core.auth.Caller;
import io.baton.core.auth.Identity;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.server.Coordinator;
import io.baton.core.server.Reads;
import io.baton.core.tree.Children;
import io.baton.core.tree.NodeData;
import io.baton.core.txn.Command;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import io.baton.core.watch.SetWatches;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.jute.Record;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.proto.AddWatchRequest;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.CheckWatchesRequest;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ErrorResponse;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.ExistsResponse;
import org.apache.zookeeper.proto.GetACLRequest;
import org.apache.zookeeper.proto.GetACLResponse;
import org.apache.zookeeper.proto.GetAllChildrenNumberRequest;
import org.apache.zookeeper.proto.GetAllChildrenNumberResponse;
import org.apache.zookeeper.proto.GetChildren2Request;
import org.apache.zookeeper.proto.GetChildren2Response;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetChildrenResponse;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.GetEphemeralsRequest;
import org.apache.zookeeper.proto.GetEphemeralsResponse;
import org.apache.zookeeper.proto.RemoveWatchesRequest;
import org.apache.zookeeper.proto.SetACLRequest;
import org.apache.zookeeper.proto.SetACLResponse;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetDataResponse;
import org.apache.zookeeper.proto.SetWatches2;
import org.apache.zookeeper.proto.SyncRequest;
import org.apache.zookeeper.proto.SyncResponse;
import org.apache.zookeeper.proto.WhoAmIResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper's requests as calls of the core, which every face shares: the caller (session secret
 * proven at the handshake, identities, access policy) comes from core's {@code ClientAuth}, ACLs and
 * sizes are checked by core, reads and writes of a session are ordered by core. Each request but a
 * ping or an auth packet takes its place in the connection's reply order when it arrives.
 */
final class Requests {
  private static final Logger LOG = LoggerFactory.getLogger(Requests.class);

  private final Coordinator coordinator;
  private final Reads reads;
  private final Multis multis;

  Requests(Coordinator coordinator) {
    this.coordinator = coordinator;
    this.reads = coordinator.reads();
    this.multis = new Multis(coordinator);
  }

  /** Serves a request of type {@code type} whose header carried {@code xid}; its body is what is left of {@code in}. */
  void handle(ZkConnection c, int xid, int type, Packets.Input in) {
    if (type == OpCode.PING) {
      ping(c, xid);
      return;
    }
    if (type == OpCode.AUTH) {
      auth(c, xid, in);
      return;
    }
    ReplyQueue.Slot slot = c.reserve(xid);
    try {
      Caller caller = coordinator.auth().caller(c.session(), c.identities());
      if (type != OpCode.CLOSE_SESSION) {
        coordinator.auth().access().checkAuthenticated(caller, OpCode.name(type));
      }
      dispatch(c, slot, type, in, caller);
    } catch (IOException e) {
      LOG.info("refused a {} request from {}: {}", OpCode.name(type), c.host(), e.getMessage());
      c.fail(slot, ZkCodes.MARSHALLING_ERROR);
    } catch (BatonException e) {
      c.fail(slot, e);
    } catch (RuntimeException e) {
      LOG.error("{} request from {} failed", OpCode.name(type), c.host(), e);
      c.fail(slot, ErrorCode.SYSTEM_ERROR.value());
    }
  }

  private void dispatch(ZkConnection c, ReplyQueue.Slot slot, int type, Packets.Input in, Caller caller)
      throws IOException {
    long session = c.session();
    switch (type) {
      case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> {
        Op.Create create = create(in.read(new CreateRequest()), 0);
        write(c, slot, caller, create, r -> created(type, (OpResult.Created) last(r)));
      }
      case OpCode.CREATE_TTL -> {
        CreateTTLRequest r = in.read(new CreateTTLRequest());
        Op.Create create = create(new CreateRequest(r.getPath(), r.getData(), r.getAcl(), r.getFlags()), r.getTtl());
        write(c, slot, caller, create, results -> created(type, (OpResult.Created) last(results)));
      }
      case OpCode.DELETE -> {
        DeleteRequest r = in.read(new DeleteRequest());
        write(c, slot, caller, new Op.Delete(r.getPath(), r.getVersion()), results -> null);
      }
      case OpCode.SET_DATA -> {
        SetDataRequest r = in.read(new SetDataRequest());
        write(c, slot, caller, new Op.SetData(r.getPath(), data(r.getData()), r.getVersion()),
            results -> new SetDataResponse(Records.stat(((OpResult.DataSet) last(results)).stat())));
      }
      case OpCode.CHECK -> {
        CheckVersionRequest r = in.read(new CheckVersionRequest());
        write(c, slot, caller, new Op.Check(r.getPath(), r.getVersion()), results -> null);
      }
      case OpCode.SET_ACL -> {
        SetACLRequest r = in.read(new SetACLRequest());
        Command.SetAcl set = new Command.SetAcl(r.getPath(), Records.acl(r.getAcl(), r.getPath()), r.getVersion());
        write(c, slot, caller, set,
            results -> new SetACLResponse(Records.stat(((OpResult.AclSet) last(results)).stat())));
      }
      case OpCode.EXISTS -> {
        ExistsRequest r = in.read(new ExistsRequest());
        read(c, slot, () -> {
          reads.checkPermission(caller, r.getPath(), Perms.READ); // an existing node: READ, as ZooKeeper 3.9
          io.baton.core.tree.Stat stat = reads.exists(session, r.getPath(), r.getWatch());
          if (stat == null) {
            throw BatonException.noNode(r.getPath());
          }
          return new ExistsResponse(Records.stat(stat));
        });
      }
      case OpCode.GET_DATA -> {
        GetDataRequest r = in.read(new GetDataRequest());
        read(c, slot, () -> {
          reads.checkPermission(caller, r.getPath(), Perms.READ);
          NodeData d = reads.getData(session, r.getPath(), r.getWatch());
          return new GetDataResponse(d.data(), Records.stat(d.stat()));
        });
      }
      case OpCode.GET_CHILDREN -> {
        GetChildrenRequest r = in.read(new GetChildrenRequest());
        read(c, slot, () -> new GetChildrenResponse(children(caller, session, r.getPath(), r.getWatch()).names()));
      }
      case OpCode.GET_CHILDREN2 -> {
        GetChildren2Request r = in.read(new GetChildren2Request());
        read(c, slot, () -> {
          Children ch = children(caller, session, r.getPath(), r.getWatch());
          return new GetChildren2Response(ch.names(), Records.stat(ch.stat()));
        });
      }
      case OpCode.GET_ACL -> {
        GetACLRequest r = in.read(new GetACLRequest());
        read(c, slot, () -> {
          reads.checkPermission(caller, r.getPath(), Perms.READ | Perms.ADMIN);
          io.baton.core.acl.NodeAcl acl = reads.getAcl(r.getPath(), caller);
          return new GetACLResponse(Records.acl(acl.acl()), Records.stat(acl.stat()));
        });
      }
      case OpCode.GET_ALL_CHILDREN_NUMBER -> {
        GetAllChildrenNumberRequest r = in.read(new GetAllChildrenNumberRequest());
        read(c, slot, () -> {
          reads.checkPermission(caller, r.getPath(), Perms.READ);
          return new GetAllChildrenNumberResponse((int) Math.min(Integer.MAX_VALUE,
              reads.descendantCount(r.getPath())));
        });
      }
      case OpCode.GET_EPHEMERALS -> {
        GetEphemeralsRequest r = in.read(new GetEphemeralsRequest());
        String prefix = r.getPrefixPath() == null || r.getPrefixPath().isBlank() ? "/" : r.getPrefixPath().trim();
        read(c, slot, () -> new GetEphemeralsResponse(reads.getEphemerals(session, prefix)));
      }
      case OpCode.SYNC -> {
        SyncRequest r = in.read(new SyncRequest());
        coordinator.sync(session, r.getPath(), reply(c, slot, SyncResponse::new));
      }
      case OpCode.MULTI -> multis.multi(c, slot, caller, MultiCodec.decode(in));
      case OpCode.MULTI_READ -> multis.multiRead(c, slot, caller, MultiCodec.decode(in));
      case OpCode.ADD_WATCH -> {
        AddWatchRequest r = in.read(new AddWatchRequest());
        read(c, slot, () -> {
          // not checked, as in ZooKeeper: the events themselves go only to a session that may read
          reads.addWatch(session, r.getPath(), WatchCodes.addWatchMode(r.getMode()));
          return new ErrorResponse(0);
        });
      }
      case OpCode.CHECK_WATCHES -> {
        CheckWatchesRequest r = in.read(new CheckWatchesRequest());
        read(c, slot, () -> {
          reads.checkWatches(session, r.getPath(), WatchCodes.watcherType(r.getType()));
          return null;
        });
      }
      case OpCode.REMOVE_WATCHES -> {
        // the client itself tells its watchers that they were removed
        RemoveWatchesRequest r = in.read(new RemoveWatchesRequest());
        read(c, slot, () -> {
          reads.removeWatches(session, r.getPath(), WatchCodes.watcherType(r.getType()));
          return null;
        });
      }
      case OpCode.SET_WATCHES, OpCode.SET_WATCHES2 -> setWatches(c, slot, caller, type, in);
      case OpCode.WHO_AM_I -> read(c, slot, () -> new WhoAmIResponse(clientInfos(caller)));
      case OpCode.CLOSE_SESSION -> {
        c.closingSession();
        coordinator.closeSession(session, (r, e) -> c.answerAndClose(slot, e));
      }
      default -> {
        LOG.info("answered Unimplemented to a {} request from {}", OpCode.name(type), c.host());
        c.fail(slot, ZkCodes.UNIMPLEMENTED);
      }
    }
  }

  private void setWatches(ZkConnection c, ReplyQueue.Slot slot, Caller caller, int type, Packets.Input in)
      throws IOException {
    SetWatches set;
    if (type == OpCode.SET_WATCHES) {
      org.apache.zookeeper.proto.SetWatches r = in.read(new org.apache.zookeeper.proto.SetWatches());
      set = new SetWatches(r.getRelativeZxid(), Records.orEmpty(r.getDataWatches()),
          Records.orEmpty(r.getExistWatches()), Records.orEmpty(r.getChildWatches()), List.of(), List.of());
    } else {
      SetWatches2 r = in.read(new SetWatches2());
      set = new SetWatches(r.getRelativeZxid(), Records.orEmpty(r.getDataWatches()),
          Records.orEmpty(r.getExistWatches()), Records.orEmpty(r.getChildWatches()),
          Records.orEmpty(r.getPersistentWatches()), Records.orEmpty(r.getPersistentRecursiveWatches()));
    }
    coordinator.read(c.session(), () -> reads.setWatches(c.session(), caller, set), (missed, e) -> {
      if (e != null) {
        c.fail(slot, e);
        return;
      }
      // the events missed while away go out first, as ZooKeeper fires them while setting the watches
      missed.forEach(c::notify);
      c.answer(slot, null);
    });
  }

  private void ping(ZkConnection c, int xid) {
    coordinator.heartbeat(c.session(), (timeout, e) -> {
      if (e == null) {
        c.send(Packets.reply(xid, coordinator.lastApplied(), ZkCodes.OK, null));
      } else {
        c.closeWith("its session cannot be kept alive here: " + e.getMessage());
      }
    });
  }

  /**
   * An auth packet (digest credentials through core's ClientAuth). Refused credentials are answered
   * AuthFailed and the connection is closed, as ZooKeeper does; the client then reports AuthFailed.
   */
  private void auth(ZkConnection c, int xid, Packets.Input in) {
    AuthPacket packet;
    try {
      packet = in.read(new AuthPacket());
    } catch (IOException e) {
      c.closeWith("a malformed auth packet: " + e.getMessage());
      return;
    }
    String credentials = packet.getAuth() == null ? "" : new String(packet.getAuth(), StandardCharsets.UTF_8);
    try {
      Identity id = coordinator.auth().authenticate(c.session(), packet.getScheme(), credentials);
      LOG.debug("ZooKeeper client {} authenticated as {}", c.host(), id);
      c.send(Packets.reply(xid, 0, ZkCodes.OK, null));
    } catch (BatonException e) {
      c.send(Packets.reply(xid, 0, ZkCodes.of(e.code()), null));
      if (e.code() == ErrorCode.AUTH_FAILED) {
        c.closeWith("authentication failed: " + e.getMessage());
      }
    }
  }

  private Op.Create create(CreateRequest r, long ttl) {
    return new Op.Create(r.getPath(), data(r.getData()), CreateFlags.mode(r.getFlags()), ttl, false,
        Records.acl(r.getAcl(), r.getPath()));
  }

  private static byte[] data(byte[] data) {
    return data == null ? new byte[0] : data;
  }

  private Children children(Caller caller, long session, String path, boolean watch) {
    reads.checkPermission(caller, path, Perms.READ);
    return reads.getChildren(session, path, watch);
  }

  /** A create's reply: the path for create, the path and stat for create2, createContainer and createTTL. */
  static Record created(int type, OpResult.Created created) {
    return type == OpCode.CREATE ? new CreateResponse(created.path())
        : new Create2Response(created.path(), Records.stat(created.stat()));
  }

  /**
   * ZooKeeper's whoAmI: each identity as its scheme and user, the connection's address first (as
   * ZooKeeper lists it first), then the session's identities.
   */
  private static List<ClientInfo> clientInfos(Caller caller) {
    List<Identity> ids = new ArrayList<>(caller.identities());
    ids.sort(Comparator.comparing((Identity i) -> !i.scheme().equals("ip")).thenComparing(Identity::toString));
    List<ClientInfo> infos = new ArrayList<>(ids.size());
    for (Identity id : ids) {
      infos.add(new ClientInfo(id.scheme(), id.userName()));
    }
    return infos;
  }

  private static OpResult last(List<OpResult> results) {
    return results.get(results.size() - 1);
  }

  private void write(ZkConnection c, ReplyQueue.Slot slot, Caller caller, Command command,
                     Function<List<OpResult>, Record> encode) {
    coordinator.submit(caller, c.session(), command, reply(c, slot, encode));
  }

  private void read(ZkConnection c, ReplyQueue.Slot slot, Supplier<Record> read) {
    coordinator.read(c.session(), read, reply(c, slot, r -> r));
  }

  private static <T> io.baton.core.server.Completion<T> reply(ZkConnection c, ReplyQueue.Slot slot,
                                                               Function<T, Record> encode) {
    return (result, e) -> {
      if (e != null) {
        c.fail(slot, e);
      } else {
        c.answer(slot, encode.apply(result));
      }
    };
  }
}
