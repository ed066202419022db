package io.baton.zookeeper.impl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.InputArchive;
import org.apache.jute.OutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ErrorResponse;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.SetDataRequest;

/**
 * ZooKeeper's multi framing, which zookeeper-jute does not carry ({@code MultiOperationRecord},
 * {@code MultiResponse}): each operation or result behind a {@code MultiHeader{type, done, err}},
 * the list ended by {@code MultiHeader{-1, true, -1}}.
 */
final class MultiCodec {
  private MultiCodec() {
  }

  /** One operation of a multi or multiRead: its op code and its request record. */
  record Operation(int type, Record request) {
  }

  /** One result: its type (the op code, or -1 for an error), its code, and its record (none: null). */
  record Result(int type, int err, Record body) {
    static Result error(int code) {
      return new Result(OpCode.ERROR, code, new ErrorResponse(code));
    }
  }

  /** Reads the operations of a multi request; an IOException for a truncated one or an unknown op type. */
  static List<Operation> decode(Packets.Input in) throws IOException {
    List<Operation> ops = new ArrayList<>();
    MultiHeader header = in.read(new MultiHeader());
    while (!header.getDone()) {
      int type = header.getType();
      Record request = switch (type) {
        case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> new CreateRequest();
        case OpCode.CREATE_TTL -> new CreateTTLRequest();
        case OpCode.DELETE -> new DeleteRequest();
        case OpCode.SET_DATA -> new SetDataRequest();
        case OpCode.CHECK -> new CheckVersionRequest();
        case OpCode.GET_DATA -> new GetDataRequest();
        case OpCode.GET_CHILDREN -> new GetChildrenRequest();
        default -> throw new IOException("an operation of type " + type + " in a multi");
      };
      ops.add(new Operation(type, in.read(request)));
      header = in.read(new MultiHeader());
    }
    return ops;
  }

  /** The reply body of a multi or multiRead. */
  static Record reply(List<Result> results) {
    return new Record() {
      @Override
      public void serialize(OutputArchive archive, String tag) throws IOException {
        archive.startRecord(this, tag);
        for (Result r : results) {
          new MultiHeader(r.type(), false, r.err()).serialize(archive, tag);
          if (r.body() != null) {
            r.body().serialize(archive, tag);
          }
        }
        new MultiHeader(-1, true, -1).serialize(archive, tag);
        archive.endRecord(this, tag);
      }

      @Override
      public void deserialize(InputArchive archive, String tag) {
        throw new UnsupportedOperationException("written only");
      }
    };
  }
}
