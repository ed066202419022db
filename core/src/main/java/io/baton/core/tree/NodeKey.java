package io.baton.core.tree;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The one array a {@link Znode} keeps for its name and data: a varint name length, the UTF-8 name,
 * then the data. One array instead of a name string, its bytes and a separate data array saves
 * about 60 bytes per node. Arrays are never changed in place, so a reference is a stable value.
 */
final class NodeKey {
  static final byte[] ROOT = {0};

  private NodeKey() {
  }

  static byte[] of(byte[] name, int nameOff, int nameLen, byte[] data) {
    int header = varintSize(nameLen);
    byte[] key = new byte[header + nameLen + data.length];
    writeVarint(key, nameLen);
    System.arraycopy(name, nameOff, key, header, nameLen);
    System.arraycopy(data, 0, key, header + nameLen, data.length);
    return key;
  }

  /** The same name with new data. */
  static byte[] withData(byte[] key, byte[] data) {
    int dataOff = dataOffset(key);
    byte[] next = Arrays.copyOf(key, dataOff + data.length);
    System.arraycopy(data, 0, next, dataOff, data.length);
    return next;
  }

  static int nameLength(byte[] key) {
    int len = 0;
    for (int i = 0, shift = 0; ; i++, shift += 7) {
      int b = key[i];
      len |= (b & 0x7f) << shift;
      if (b >= 0) {
        return len;
      }
    }
  }

  static int nameOffset(byte[] key) {
    int i = 0;
    while (key[i] < 0) {
      i++;
    }
    return i + 1;
  }

  static int dataOffset(byte[] key) {
    return nameOffset(key) + nameLength(key);
  }

  static String name(byte[] key) {
    return new String(key, nameOffset(key), nameLength(key), StandardCharsets.UTF_8);
  }

  static boolean nameEquals(byte[] key, byte[] name, int off, int len) {
    int at = nameOffset(key);
    return nameLength(key) == len && Arrays.equals(key, at, at + len, name, off, off + len);
  }

  /** Hash of a UTF-8 name, spread over all bits so that masking the low bits picks a slot. */
  static int hash(byte[] name, int off, int len) {
    int h = 0;
    for (int i = off, end = off + len; i < end; i++) {
      h = 31 * h + name[i];
    }
    h *= 0x9E3779B9;
    return h ^ (h >>> 15);
  }

  static int hash(byte[] key) {
    return hash(key, nameOffset(key), nameLength(key));
  }

  private static int varintSize(int v) {
    int size = 1;
    while ((v >>>= 7) != 0) {
      size++;
    }
    return size;
  }

  private static void writeVarint(byte[] out, int v) {
    int i = 0;
    while ((v & ~0x7f) != 0) {
      out[i++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out[i] = (byte) v;
  }
}
