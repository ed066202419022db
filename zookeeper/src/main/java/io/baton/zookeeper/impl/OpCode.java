package io.baton.zookeeper.impl;

/** ZooKeeper's request types ({@code ZooDefs.OpCode} of 3.9): wire numbers, copied. */
final class OpCode {
  static final int NOTIFICATION = 0;
  static final int CREATE = 1;
  static final int DELETE = 2;
  static final int EXISTS = 3;
  static final int GET_DATA = 4;
  static final int SET_DATA = 5;
  static final int GET_ACL = 6;
  static final int SET_ACL = 7;
  static final int GET_CHILDREN = 8;
  static final int SYNC = 9;
  static final int PING = 11;
  static final int GET_CHILDREN2 = 12;
  static final int CHECK = 13;
  static final int MULTI = 14;
  static final int CREATE2 = 15;
  static final int RECONFIG = 16;
  static final int CHECK_WATCHES = 17;
  static final int REMOVE_WATCHES = 18;
  static final int CREATE_CONTAINER = 19;
  static final int DELETE_CONTAINER = 20;
  static final int CREATE_TTL = 21;
  static final int MULTI_READ = 22;
  static final int AUTH = 100;
  static final int SET_WATCHES = 101;
  static final int SASL = 102;
  static final int GET_EPHEMERALS = 103;
  static final int GET_ALL_CHILDREN_NUMBER = 104;
  static final int SET_WATCHES2 = 105;
  static final int ADD_WATCH = 106;
  static final int WHO_AM_I = 107;
  static final int CREATE_SESSION = -10;
  static final int CLOSE_SESSION = -11;
  /** The type of an error result inside a multi's reply. */
  static final int ERROR = -1;

  private OpCode() {
  }

  /** A name for logs and refusals, e.g. {@code getData}; {@code op 42} for an unknown one. */
  static String name(int type) {
    return switch (type) {
      case CREATE -> "create";
      case DELETE -> "delete";
      case EXISTS -> "exists";
      case GET_DATA -> "getData";
      case SET_DATA -> "setData";
      case GET_ACL -> "getACL";
      case SET_ACL -> "setACL";
      case GET_CHILDREN -> "getChildren";
      case SYNC -> "sync";
      case PING -> "ping";
      case GET_CHILDREN2 -> "getChildren2";
      case CHECK -> "check";
      case MULTI -> "multi";
      case CREATE2 -> "create2";
      case RECONFIG -> "reconfig";
      case CHECK_WATCHES -> "checkWatches";
      case REMOVE_WATCHES -> "removeWatches";
      case CREATE_CONTAINER -> "createContainer";
      case CREATE_TTL -> "createTTL";
      case MULTI_READ -> "multiRead";
      case AUTH -> "auth";
      case SET_WATCHES -> "setWatches";
      case SASL -> "sasl";
      case GET_EPHEMERALS -> "getEphemerals";
      case GET_ALL_CHILDREN_NUMBER -> "getAllChildrenNumber";
      case SET_WATCHES2 -> "setWatches2";
      case ADD_WATCH -> "addWatch";
      case WHO_AM_I -> "whoAmI";
      case CLOSE_SESSION -> "closeSession";
      default -> "op " + type;
    };
  }
}
