package io.baton.vertx.spi.cluster.impl;

import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.shareddata.ClusterSerializable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;

/**
 * Keys and values of cluster-wide data in bytes, by Vert.x's rules: a {@link ClusterSerializable} (Buffer,
 * JsonObject, JsonArray, your own) is its class name and its {@code writeToBuffer} bytes, a String is its
 * UTF-8, anything else must be {@link Serializable} and is Java-serialized. The first byte tells which.
 * Classes are loaded with the thread's context class loader, as Vert.x does.
 */
public final class ValueCodec {
  private static final byte CLUSTER_SERIALIZABLE = 1;
  private static final byte STRING = 2;
  private static final byte JAVA = 3;

  private ValueCodec() {
  }

  public static byte[] encode(Object value) {
    Buffer out = Buffer.buffer();
    if (value instanceof ClusterSerializable cs) {
      byte[] className = value.getClass().getName().getBytes(StandardCharsets.UTF_8);
      out.appendByte(CLUSTER_SERIALIZABLE).appendInt(className.length).appendBytes(className);
      cs.writeToBuffer(out);
    } else if (value instanceof String s) {
      out.appendByte(STRING).appendBytes(s.getBytes(StandardCharsets.UTF_8));
    } else if (value instanceof Serializable) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream oos = new ObjectOutputStream(bytes)) {
        oos.writeObject(value);
      } catch (IOException e) {
        throw new VertxException("cannot serialize " + value.getClass().getName(), e);
      }
      out.appendByte(JAVA).appendBytes(bytes.toByteArray());
    } else {
      throw new IllegalArgumentException("cluster-wide data must be ClusterSerializable, a String or Serializable: "
          + (value == null ? "null" : value.getClass().getName()));
    }
    return out.getBytes();
  }

  @SuppressWarnings("unchecked")
  public static <T> T decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return null;
    }
    Buffer in = Buffer.buffer(bytes);
    return switch (bytes[0]) {
      case CLUSTER_SERIALIZABLE -> {
        int nameLength = in.getInt(1);
        String className = in.getString(5, 5 + nameLength, "UTF-8");
        ClusterSerializable cs = instantiate(className);
        cs.readFromBuffer(5 + nameLength, in);
        yield (T) cs;
      }
      case STRING -> (T) new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
      case JAVA -> (T) deserialize(bytes);
      default -> throw new VertxException("unknown value encoding " + bytes[0]);
    };
  }

  private static ClusterSerializable instantiate(String className) {
    try {
      Class<?> type = loader().loadClass(className);
      Constructor<?> constructor = type.getDeclaredConstructor();
      constructor.setAccessible(true);
      return (ClusterSerializable) constructor.newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new VertxException("cannot instantiate " + className + " (a ClusterSerializable needs a no-argument "
          + "constructor)", e);
    }
  }

  private static Object deserialize(byte[] bytes) {
    ClassLoader loader = loader();
    try (ObjectInputStream ois = new ObjectInputStream(new ByteArrayInputStream(bytes, 1, bytes.length - 1)) {
      @Override
      protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
        try {
          return Class.forName(desc.getName(), false, loader);
        } catch (ClassNotFoundException e) {
          return super.resolveClass(desc);
        }
      }
    }) {
      return ois.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new VertxException("cannot deserialize a cluster-wide value", e);
    }
  }

  private static ClassLoader loader() {
    ClassLoader tccl = Thread.currentThread().getContextClassLoader();
    return tccl != null ? tccl : ValueCodec.class.getClassLoader();
  }
}
