package io.baton.zookeeper.impl;

/** ZooKeeper's special xids ({@code ClientCnxn}): packets the client does not match against its requests in order. */
final class Xid {
  /** A watch notification, server to client. */
  static final int NOTIFICATION = -1;
  /** A ping and its reply. */
  static final int PING = -2;
  /** An auth packet and its reply. */
  static final int AUTH = -4;
  /** The setWatches a client sends after reconnecting. */
  static final int SET_WATCHES = -8;

  private Xid() {
  }
}
