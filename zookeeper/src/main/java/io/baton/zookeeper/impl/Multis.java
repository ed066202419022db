package io.baton.zookeeper.impl;

import io.baton.core.acl.Perms;
import io.baton.core.auth.Caller;
import io.baton.core.error.BatonException;
import io.baton.core.server.Coordinator;
import io.baton.core.server.Reads;
import io.baton.core.tree.Children;
import io.baton.core.tree.NodeData;
import io.baton.core.txn.Command;
import io.baton.core.txn.MultiFailedException;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetChildrenResponse;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetDataResponse;

/**
 * ZooKeeper's multi (an atomic transaction, core's {@link Command.Multi}) and multiRead (reads served
 * together, each with its own outcome). A failed multi is answered as ZooKeeper does: reply error 0
 * and one error result per operation, 0 before the failing one, its code, then RuntimeInconsistency.
 */
final class Multis {
  private final Coordinator coordinator;
  private final Reads reads;

  Multis(Coordinator coordinator) {
    this.coordinator = coordinator;
    this.reads = coordinator.reads();
  }

  void multi(ZkConnection c, ReplyQueue.Slot slot, Caller caller, List<MultiCodec.Operation> operations)
      throws IOException {
    List<Op> ops = new ArrayList<>(operations.size());
    for (MultiCodec.Operation o : operations) {
      ops.add(op(o));
    }
    coordinator.submit(caller, c.session(), new Command.Multi(ops), (results, e) -> {
      if (e instanceof MultiFailedException failed) {
        List<MultiCodec.Result> errors = new ArrayList<>(failed.results().size());
        for (OpResult r : failed.results()) {
          errors.add(MultiCodec.Result.error(ZkCodes.of(((OpResult.Error) r).code())));
        }
        c.answer(slot, MultiCodec.reply(errors));
      } else if (e != null) {
        c.fail(slot, e);
      } else {
        List<MultiCodec.Result> out = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
          out.add(result(operations.get(i).type(), results.get(i)));
        }
        c.answer(slot, MultiCodec.reply(out));
      }
    });
  }

  void multiRead(ZkConnection c, ReplyQueue.Slot slot, Caller caller, List<MultiCodec.Operation> operations)
      throws IOException {
    for (MultiCodec.Operation o : operations) {
      if (o.type() != OpCode.GET_DATA && o.type() != OpCode.GET_CHILDREN) {
        throw new IOException("a " + OpCode.name(o.type()) + " in a multiRead");
      }
    }
    long session = c.session();
    coordinator.read(session, () -> {
      List<MultiCodec.Result> out = new ArrayList<>(operations.size());
      for (MultiCodec.Operation o : operations) {
        try {
          out.add(read(caller, session, o));
        } catch (BatonException e) {
          out.add(MultiCodec.Result.error(ZkCodes.of(e.code())));
        }
      }
      return MultiCodec.reply(out);
    }, (reply, e) -> {
      if (e != null) {
        c.fail(slot, e);
      } else {
        c.answer(slot, reply);
      }
    });
  }

  /** A multiRead's read; as in ZooKeeper, it sets no watch. */
  private MultiCodec.Result read(Caller caller, long session, MultiCodec.Operation o) {
    if (o.request() instanceof GetDataRequest r) {
      reads.checkPermission(caller, r.getPath(), Perms.READ);
      NodeData d = reads.getData(session, r.getPath(), false);
      return new MultiCodec.Result(OpCode.GET_DATA, 0, new GetDataResponse(d.data(), Records.stat(d.stat())));
    }
    GetChildrenRequest r = (GetChildrenRequest) o.request();
    reads.checkPermission(caller, r.getPath(), Perms.READ);
    Children ch = reads.getChildren(session, r.getPath(), false);
    return new MultiCodec.Result(OpCode.GET_CHILDREN, 0, new GetChildrenResponse(ch.names()));
  }

  private static Op op(MultiCodec.Operation o) throws IOException {
    Object r = o.request();
    if (r instanceof CreateRequest c) {
      return new Op.Create(c.getPath(), data(c.getData()), CreateFlags.mode(c.getFlags()), 0, false,
          Records.acl(c.getAcl(), c.getPath()));
    }
    if (r instanceof CreateTTLRequest c) {
      return new Op.Create(c.getPath(), data(c.getData()), CreateFlags.mode(c.getFlags()), c.getTtl(), false,
          Records.acl(c.getAcl(), c.getPath()));
    }
    if (r instanceof DeleteRequest d) {
      return new Op.Delete(d.getPath(), d.getVersion());
    }
    if (r instanceof SetDataRequest s) {
      return new Op.SetData(s.getPath(), data(s.getData()), s.getVersion());
    }
    if (r instanceof CheckVersionRequest v) {
      return new Op.Check(v.getPath(), v.getVersion());
    }
    throw new IOException("a " + OpCode.name(o.type()) + " in a multi");
  }

  private static MultiCodec.Result result(int type, OpResult r) {
    if (r instanceof OpResult.Created c) {
      return new MultiCodec.Result(type == OpCode.CREATE ? OpCode.CREATE : OpCode.CREATE2, 0,
          Requests.created(type, c));
    }
    if (r instanceof OpResult.DataSet s) {
      return new MultiCodec.Result(OpCode.SET_DATA, 0, new SetDataResponse(Records.stat(s.stat())));
    }
    return new MultiCodec.Result(r instanceof OpResult.Deleted ? OpCode.DELETE : OpCode.CHECK, 0, null);
  }

  private static byte[] data(byte[] data) {
    return data == null ? new byte[0] : data;
  }
}
